package mask

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zsdata/digitalspace/internal/vectors"
)

func TestVectors(t *testing.T) {
	v, err := vectors.Load()
	require.NoError(t, err)
	assert.Equal(t, v.Masking.NameMasked, Name(v.Masking.Name))
	assert.Equal(t, v.Masking.IDNumberMasked, ID(v.Masking.IDNumber))
	assert.Equal(t, v.Masking.PhoneMasked, Phone(v.Masking.Phone))
}

func TestTable(t *testing.T) {
	tests := []struct {
		fn       func(string) string
		in, want string
	}{
		{Name, "", ""},
		{Name, "张", "张"},
		{Name, "中山市某某有限公司", "中********"},
		{ID, "E12345678", "E*******8"},
		{ID, "91440300708461136T", "914403********136T"},
		{ID, "ab", "a*"},
		{ID, "a", "*"},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, tc.fn(tc.in), tc.in)
	}
}
