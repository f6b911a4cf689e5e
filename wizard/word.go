package wizard

// Word reports whether s has 1 to maxLen bytes, the first accepted by
// first and every other by rest. It replaces anchored regular expressions
// such as ^[a-zA-Z_][0-9a-zA-Z_$]{0,63}$, whose compiled programs cost
// about a thousand allocations at start-up.
func Word(s string, maxLen int, first, rest func(byte) bool) bool {
	if s == "" || len(s) > maxLen || !first(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !rest(s[i]) {
			return false
		}
	}
	return true
}

// IsLetter reports whether b is an ASCII letter.
func IsLetter(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }

// IsDigit reports whether b is an ASCII digit.
func IsDigit(b byte) bool { return b >= '0' && b <= '9' }

// IsIDStart reports whether b may start a Harness identifier: a letter or "_".
func IsIDStart(b byte) bool { return IsLetter(b) || b == '_' }

// IsIDByte reports whether b may appear in a Harness identifier: a letter,
// a digit, "_" or "$".
func IsIDByte(b byte) bool { return IsLetter(b) || IsDigit(b) || b == '_' || b == '$' }

func isAlnum(b byte) bool { return IsLetter(b) || IsDigit(b) }

// isNameByte accepts the bytes of usernames and repository slugs:
// letters, digits, "_", "." and "-".
func isNameByte(b byte) bool { return isAlnum(b) || b == '_' || b == '.' || b == '-' }

// validUsername is ^[A-Za-z0-9][A-Za-z0-9_.\-]*$.
func validUsername(u string) bool { return Word(u, len(u), isAlnum, isNameByte) }
