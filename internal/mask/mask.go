// Package mask hides personal data (脱敏) the way DSP/1 §4 and §11.6 say:
// the length is kept and each hidden character becomes one '*'.
package mask

import "strings"

// Name keeps the first character of a person's or enterprise's name.
func Name(s string) string {
	r := []rune(s)
	if len(r) <= 1 {
		return s
	}
	return string(r[0]) + strings.Repeat("*", len(r)-1)
}

// ID keeps the first 6 and the last 4 characters of an identifier longer
// than 10 characters, and the first and the last of a shorter one.
func ID(s string) string {
	r := []rune(s)
	switch {
	case len(r) > 10:
		return string(r[:6]) + strings.Repeat("*", len(r)-10) + string(r[len(r)-4:])
	case len(r) > 2:
		return string(r[0]) + strings.Repeat("*", len(r)-2) + string(r[len(r)-1])
	case len(r) == 2:
		return string(r[0]) + "*"
	}
	return strings.Repeat("*", len(r))
}

// Phone keeps the first 3 and the last 4 digits.
func Phone(s string) string {
	r := []rune(s)
	if len(r) <= 7 {
		return ID(s)
	}
	return string(r[:3]) + strings.Repeat("*", len(r)-7) + string(r[len(r)-4:])
}
