package wizard

import "strings"

// WithArticle is noun with the indefinite article it takes when spoken:
// "an api token", "an app password", "an http access token", "an ssh
// key", "a bitbucket cloud url", "a user". Every message that puts an
// article before a generated noun (a label, a slot) goes through it.
func WithArticle(noun string) string {
	if anBefore(noun) {
		return "an " + noun
	}
	return "a " + noun
}

// vowelSoundInitialisms are initialisms read letter by letter whose first
// letter is a consonant sounding like a vowel ("an http …", "an ssh …").
var vowelSoundInitialisms = map[string]bool{
	"http": true, "https": true, "ssh": true, "scm": true, "sso": true, "ssl": true,
	"rsa": true, "mfa": true, "html": true, "xml": true, "s3": true, "hcl": true,
}

// anBefore reports whether noun takes "an".
func anBefore(noun string) bool {
	w := strings.ToLower(strings.TrimSpace(noun))
	if i := strings.IndexAny(w, " -_/."); i >= 0 {
		w = w[:i]
	}
	if w == "" {
		return false
	}
	if vowelSoundInitialisms[w] {
		return true
	}
	switch w[0] {
	case 'a', 'e', 'i', 'o':
		return true
	case 'u':
		// "a user", "a url", "a unique id" but "an unlock", "an update".
		return !strings.HasPrefix(w, "us") && !strings.HasPrefix(w, "ur") && !strings.HasPrefix(w, "uni")
	}
	return false
}
