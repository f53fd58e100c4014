package ident

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zsdata/digitalspace/internal/vectors"
)

func TestVectors(t *testing.T) {
	v, err := vectors.Load()
	require.NoError(t, err)
	for _, s := range v.IDCard.Valid {
		assert.NoError(t, ValidIDCard(s), s)
		assert.NoError(t, ValidHolderID("ID_CARD", s), s)
	}
	for _, s := range v.IDCard.Invalid {
		assert.ErrorIs(t, ValidIDCard(s), ErrInvalid, s)
	}
	for _, s := range v.USCC.Valid {
		assert.NoError(t, ValidUSCC(s), s)
	}
	for _, s := range v.USCC.Invalid {
		assert.ErrorIs(t, ValidUSCC(s), ErrInvalid, s)
	}
	for _, s := range v.LicenseIdentifier.Valid {
		_, err := ParseLicenseIdentifier(s)
		assert.NoError(t, err, s)
	}
	for _, s := range v.LicenseIdentifier.Invalid {
		_, err := ParseLicenseIdentifier(s)
		assert.ErrorIs(t, err, ErrInvalid, s)
	}
}

func TestBuildLicenseIdentifier(t *testing.T) {
	id, err := BuildLicenseIdentifier("11100000000013338W032", "11442000MB2C00020J", "ZS2026000123", "001")
	require.NoError(t, err)
	assert.Equal(t, "1.2.156.3005.2.11100000000013338W032.11442000MB2C00020J.ZS2026000123.001.C", id)
}

func TestSmallChecks(t *testing.T) {
	tests := []struct {
		name string
		err  error
	}{
		{"data code ok", ValidDataCode("123456")},
		{"matter ok", ValidMatterCode("11442000007-001")},
		{"passport ok", ValidHolderID("PASSPORT", "E12345678")},
	}
	for _, tc := range tests {
		assert.NoError(t, tc.err, tc.name)
	}
	bad := []struct {
		name string
		err  error
	}{
		{"data code short", ValidDataCode("12345")},
		{"data code letters", ValidDataCode("12345a")},
		{"matter empty", ValidMatterCode("")},
		{"matter bad char", ValidMatterCode("a b")},
		{"matter long", ValidMatterCode(string(make([]byte, 65)))},
		{"unknown id type", ValidHolderID("X", "1")},
		{"id card bad date", ValidIDCard("442000199013011230")},
		{"uscc lower", ValidUSCC("91440300708461136t")},
	}
	for _, tc := range bad {
		assert.ErrorIs(t, tc.err, ErrInvalid, tc.name)
	}
}

func FuzzParseLicenseIdentifier(f *testing.F) {
	f.Add("1.2.156.3005.2.11100000000013338W032.11220000013544541J.2430599.001.F")
	f.Add("1.2.156.3005.2....")
	f.Fuzz(func(t *testing.T, s string) {
		li, err := ParseLicenseIdentifier(s)
		if err == nil {
			again, err := BuildLicenseIdentifier(li.TypeCode, li.AuthorityCode, li.Serial, li.Version)
			if err != nil || again != s {
				t.Fatalf("valid %q does not rebuild: %q %v", s, again, err)
			}
		}
	})
}

func FuzzValidHolderID(f *testing.F) {
	f.Add("ID_CARD", "442000199001011233")
	f.Add("USCC", "91440300708461136T")
	f.Fuzz(func(t *testing.T, typ, s string) {
		_ = ValidHolderID(typ, s)
	})
}
