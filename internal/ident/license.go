package ident

import (
	"fmt"
	"strings"
)

// LicenseRoot is the root of every 电子证照标识.
const LicenseRoot = "1.2.156.3005.2"

func mod3736Value(c byte) (int, bool) {
	switch {
	case isDigit(c):
		return int(c - '0'), true
	case isUpper(c):
		return int(c-'A') + 10, true
	}
	return 0, false
}

// LicenseCheck returns the ISO 7064 MOD 37,36 check character over s
// (type code + authority code + serial + version, without dots).
func LicenseCheck(s string) (byte, error) {
	p := 36
	for i := 0; i < len(s); i++ {
		v, ok := mod3736Value(s[i])
		if !ok {
			return 0, fmt.Errorf("%w: license identifier character %q", ErrInvalid, s[i])
		}
		p = (p + v) % 36
		if p == 0 {
			p = 36
		}
		p = (2 * p) % 37
	}
	c := (37 - p) % 36
	if c < 10 {
		return byte('0' + c), nil
	}
	return byte('A' + c - 10), nil
}

// LicenseIdentifier is a parsed 电子证照标识.
type LicenseIdentifier struct {
	TypeCode, AuthorityCode, Serial, Version string
	Check                                    byte
}

// ParseLicenseIdentifier checks the form and check character of s (§4.1).
func ParseLicenseIdentifier(s string) (LicenseIdentifier, error) {
	var li LicenseIdentifier
	if len(s) > 256 {
		return li, fmt.Errorf("%w: license identifier too long", ErrInvalid)
	}
	rest, ok := strings.CutPrefix(s, LicenseRoot+".")
	if !ok {
		return li, fmt.Errorf("%w: license identifier root", ErrInvalid)
	}
	parts := strings.Split(rest, ".")
	if len(parts) != 5 {
		return li, fmt.Errorf("%w: license identifier must have 5 parts after the root", ErrInvalid)
	}
	li.TypeCode, li.AuthorityCode, li.Serial, li.Version = parts[0], parts[1], parts[2], parts[3]
	if len(li.TypeCode) != 21 {
		return li, fmt.Errorf("%w: license type code must be 21 characters", ErrInvalid)
	}
	if len(li.AuthorityCode) != 18 && !(len(li.AuthorityCode) == 6 && allDigits(li.AuthorityCode)) {
		return li, fmt.Errorf("%w: issuing authority code must be a USCC or a 6-digit division code", ErrInvalid)
	}
	if li.Serial == "" || len(li.Serial) > 64 {
		return li, fmt.Errorf("%w: license serial", ErrInvalid)
	}
	if len(li.Version) != 3 || !allDigits(li.Version) {
		return li, fmt.Errorf("%w: license version must be 3 digits", ErrInvalid)
	}
	if len(parts[4]) != 1 {
		return li, fmt.Errorf("%w: license check must be one character", ErrInvalid)
	}
	li.Check = parts[4][0]
	want, err := LicenseCheck(li.TypeCode + li.AuthorityCode + li.Serial + li.Version)
	if err != nil {
		return li, err
	}
	if want != li.Check {
		return li, fmt.Errorf("%w: license identifier check character", ErrInvalid)
	}
	return li, nil
}

// BuildLicenseIdentifier assembles an identifier with its check character.
func BuildLicenseIdentifier(typeCode, authorityCode, serial, version string) (string, error) {
	c, err := LicenseCheck(typeCode + authorityCode + serial + version)
	if err != nil {
		return "", err
	}
	s := strings.Join([]string{LicenseRoot, typeCode, authorityCode, serial, version, string(c)}, ".")
	if _, err := ParseLicenseIdentifier(s); err != nil {
		return "", err
	}
	return s, nil
}
