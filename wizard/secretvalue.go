package wizard

import (
	"fmt"
	"strings"
	"unicode"
)

// ValidateSecretValue checks a typed or pasted token (what names it, e.g.
// "api token"): it must not be empty and must not hold spaces or line
// breaks. The message never repeats the value.
func ValidateSecretValue(what, v string) error {
	switch {
	case v == "":
		return fmt.Errorf("%s is empty: paste it from bitbucket", what)
	case strings.TrimSpace(v) == "":
		return fmt.Errorf("%s is only blanks: paste the %s itself", what, what)
	case strings.IndexFunc(v, unicode.IsSpace) >= 0:
		return fmt.Errorf("%s has spaces or line breaks: paste only the %s", what, what)
	}
	return nil
}
