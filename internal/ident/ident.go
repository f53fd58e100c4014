// Package ident checks and computes the identifiers DSP/1 carries: resident
// ID-card numbers (居民身份证号码, GB 11643), unified social credit codes
// (统一社会信用代码, GB 32100), electronic-license identifiers (电子证照标识,
// ISO 7064 MOD 37,36), data codes (数据码) and matter codes.
package ident

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalid is wrapped by every check failure.
var ErrInvalid = errors.New("ident: invalid identifier")

var idCardWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const idCardChecks = "10X98765432"

// IDCardCheck returns the GB 11643 check character for the first 17 digits.
func IDCardCheck(first17 string) (byte, error) {
	if len(first17) != 17 {
		return 0, fmt.Errorf("%w: ID-card body must be 17 digits", ErrInvalid)
	}
	sum := 0
	for i := 0; i < 17; i++ {
		c := first17[i]
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("%w: ID-card body must be digits", ErrInvalid)
		}
		sum += int(c-'0') * idCardWeights[i]
	}
	return idCardChecks[sum%11], nil
}

// ValidIDCard checks an 18-character resident ID-card number: digits, a
// plausible birth date and the check character (upper-case X).
func ValidIDCard(s string) error {
	if len(s) != 18 {
		return fmt.Errorf("%w: ID-card number must be 18 characters", ErrInvalid)
	}
	want, err := IDCardCheck(s[:17])
	if err != nil {
		return err
	}
	if !validDate(s[6:14]) {
		return fmt.Errorf("%w: ID-card birth date", ErrInvalid)
	}
	if s[17] != want {
		return fmt.Errorf("%w: ID-card check character", ErrInvalid)
	}
	return nil
}

func validDate(d string) bool {
	y := atoi(d[0:4])
	m := atoi(d[4:6])
	day := atoi(d[6:8])
	if y < 1800 || m < 1 || m > 12 || day < 1 {
		return false
	}
	days := [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}
	if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
		days[2] = 29
	}
	return day <= days[m]
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// usccAlphabet is GB 32100's 31 characters (no I, O, Z, S, V).
const usccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// USCCCheck returns the GB 32100 check character for the first 17 characters.
func USCCCheck(first17 string) (byte, error) {
	if len(first17) != 17 {
		return 0, fmt.Errorf("%w: USCC body must be 17 characters", ErrInvalid)
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(usccAlphabet, first17[i])
		if v < 0 {
			return 0, fmt.Errorf("%w: USCC character %q not allowed", ErrInvalid, first17[i])
		}
		sum += v * usccWeights[i]
	}
	c := (31 - sum%31) % 31
	return usccAlphabet[c], nil
}

// ValidUSCC checks an 18-character unified social credit code.
func ValidUSCC(s string) error {
	if len(s) != 18 {
		return fmt.Errorf("%w: USCC must be 18 characters", ErrInvalid)
	}
	want, err := USCCCheck(s[:17])
	if err != nil {
		return err
	}
	if s[17] != want {
		return fmt.Errorf("%w: USCC check character", ErrInvalid)
	}
	return nil
}

// ValidDataCode checks a 6-digit 数据码.
func ValidDataCode(s string) error {
	if len(s) != 6 || !allDigits(s) {
		return fmt.Errorf("%w: data code must be 6 digits", ErrInvalid)
	}
	return nil
}

// ValidMatterCode checks a 事项编码: 1–64 of [0-9A-Za-z-].
func ValidMatterCode(s string) error {
	if len(s) < 1 || len(s) > 64 {
		return fmt.Errorf("%w: matter code must be 1-64 characters", ErrInvalid)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isDigit(c) || isUpper(c) || (c >= 'a' && c <= 'z') || c == '-') {
			return fmt.Errorf("%w: matter code character %q", ErrInvalid, c)
		}
	}
	return nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }

// ValidHolderID checks idNumber against its idType: ID_CARD by GB 11643,
// USCC by GB 32100, the passes by length and alphabet (4–20 of [0-9A-Z]).
func ValidHolderID(idType, idNumber string) error {
	switch idType {
	case "ID_CARD":
		return ValidIDCard(idNumber)
	case "USCC":
		return ValidUSCC(idNumber)
	case "PASSPORT", "HK_MACAO_PASS", "TW_PASS":
		if len(idNumber) < 4 || len(idNumber) > 20 {
			return fmt.Errorf("%w: %s number must be 4-20 characters", ErrInvalid, idType)
		}
		for i := 0; i < len(idNumber); i++ {
			if !isDigit(idNumber[i]) && !isUpper(idNumber[i]) {
				return fmt.Errorf("%w: %s number character", ErrInvalid, idType)
			}
		}
		return nil
	}
	return fmt.Errorf("%w: unknown idType %q", ErrInvalid, idType)
}
