package wizard

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ValidateSecretValue checks a typed or pasted token (what names it, e.g.
// "api token"): it must not be empty, longer than MaxSecretLen, invalid
// UTF-8, or hold spaces, line breaks or other control characters (NUL
// included). The CLI applies it to tokens from stdin and the environment
// too. The message never repeats the value.
func ValidateSecretValue(what, v string) error {
	switch {
	case v == "":
		return fmt.Errorf("%s is empty: paste it from bitbucket", what)
	case strings.TrimSpace(v) == "":
		return fmt.Errorf("%s is only blanks: paste the %s itself", what, what)
	case strings.IndexFunc(v, unicode.IsSpace) >= 0:
		return fmt.Errorf("%s has spaces or line breaks: paste only the %s", what, what)
	}
	return validateSecretBytes(what, v)
}

// ValidatePassphrase checks an SSH key passphrase (what names it): like
// ValidateSecretValue, except that spaces are allowed.
func ValidatePassphrase(what, v string) error {
	if v == "" {
		return fmt.Errorf("%s is empty", what)
	}
	return validateSecretBytes(what, v)
}

func validateSecretBytes(what, v string) error {
	switch {
	case len(v) > MaxSecretLen:
		return fmt.Errorf("%s is longer than %d KiB: give only the %s", what, MaxSecretLen>>10, what)
	case !utf8.ValidString(v):
		return fmt.Errorf("%s is not valid utf-8 text: paste the %s again", what, what)
	case strings.IndexFunc(v, isControl) >= 0:
		return fmt.Errorf("%s holds control characters: paste only the %s", what, what)
	}
	return nil
}
