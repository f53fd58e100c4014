package scenario

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// decodeQR reads the QR code in img.
func decodeQR(img image.Image) (string, error) {
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return "", err
	}
	hints := map[gozxing.DecodeHintType]interface{}{
		gozxing.DecodeHintType_TRY_HARDER:    true,
		gozxing.DecodeHintType_CHARACTER_SET: "UTF-8",
	}
	res, err := zxqr.NewQRCodeReader().Decode(bmp, hints)
	if err != nil {
		return "", err
	}
	return res.GetText(), nil
}

// decodeQRPNG reads the QR code in a PNG.
func decodeQRPNG(t *testing.T, b []byte) string {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	require.NoError(t, err, "not a PNG")
	text, err := decodeQR(img)
	require.NoError(t, err, "no QR code found")
	return text
}

func TestQRPNG(t *testing.T) {
	tests := []struct {
		name    string
		content string
		size    int
		want    int // image side
	}{
		{"url", "https://dsp.example.gov.cn/sc/SC20250301000001?k=4f9c2a", 256, 256},
		{"default size", "https://dsp.example.gov.cn/sc/1", 0, DefaultQRSize},
		{"hall size", "dsp1:sc:" + strings.Repeat("A1b2", 40), 384, 384},
		{"chinese", "办事码:中山市住房公积金管理中心", 300, 300},
		{"enlarged", "https://dsp.example.gov.cn/sc/2", 10, 37}, // version 3: 29 modules + 2×4 quiet zone
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := QRPNG(tc.content, tc.size)
			require.NoError(t, err)
			cfg, err := png.DecodeConfig(bytes.NewReader(b))
			require.NoError(t, err)
			assert.Equal(t, tc.want, cfg.Width)
			assert.Equal(t, tc.want, cfg.Height)
			assert.Equal(t, tc.content, decodeQRPNG(t, b))
		})
	}
}

func TestQRPNGErrors(t *testing.T) {
	_, err := QRPNG("", 256)
	assert.Error(t, err)
	_, err = QRPNG("x", MaxQRSize+1)
	assert.Error(t, err)
	_, err = QRPNG(strings.Repeat("x", 5000), 256) // beyond a QR code's capacity
	assert.Error(t, err)
}

// terminalImage turns QRTerminal's half blocks back into an image, 4 px a
// module; drawn (light) characters are white.
func terminalImage(t *testing.T, s string) image.Image {
	t.Helper()
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	w := utf8.RuneCountInString(lines[0])
	const px = 4
	img := image.NewGray(image.Rect(0, 0, w*px, len(lines)*2*px))
	for y, line := range lines {
		require.Equal(t, w, utf8.RuneCountInString(line), "line %d width", y)
		for x, r := range []rune(line) {
			var top, bottom bool // light?
			switch r {
			case '█':
				top, bottom = true, true
			case '▀':
				top = true
			case '▄':
				bottom = true
			case ' ':
			default:
				t.Fatalf("unexpected character %q", r)
			}
			for dy := 0; dy < 2*px; dy++ {
				light := top
				if dy >= px {
					light = bottom
				}
				v := color.Gray{Y: 0}
				if light {
					v.Y = 255
				}
				for dx := 0; dx < px; dx++ {
					img.SetGray(x*px+dx, y*2*px+dy, v)
				}
			}
		}
	}
	return img
}

func TestQRTerminal(t *testing.T) {
	tests := []string{
		"https://dsp.example.gov.cn/sc/SC20250301000001?k=4f9c2a",
		"dsp1:sc:" + strings.Repeat("Z9", 60),
	}
	for _, content := range tests {
		t.Run(content[:16], func(t *testing.T) {
			s := QRTerminal(content)
			require.NotEmpty(t, s)
			lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
			w := utf8.RuneCountInString(lines[0])
			// Half blocks: each line is two modules high, so a square code
			// has about half as many lines as columns.
			assert.InDelta(t, float64(w)/2, float64(len(lines)), 1)
			// Quiet zone: the first line and column are all light.
			assert.Equal(t, strings.Repeat("█", w), lines[0])
			for _, l := range lines[:len(lines)-1] {
				assert.True(t, strings.HasPrefix(l, "████"), "left quiet zone")
			}
			got, err := decodeQR(terminalImage(t, s))
			require.NoError(t, err)
			assert.Equal(t, content, got)
		})
	}
	assert.Empty(t, QRTerminal(""))
	assert.Empty(t, QRTerminal(strings.Repeat("x", 5000)))
}
