package scenario

import (
	"fmt"

	qrcode "github.com/skip2/go-qrcode"
)

// QR image sizes of QRPNG.
const (
	DefaultQRSize = 256
	MaxQRSize     = 4096
)

// QRPNG renders content as a QR code (二维码) PNG, size×size pixels, with
// medium error recovery (~15 %) and the quiet zone. A size ≤ 0 means
// DefaultQRSize; a size too small for the code is enlarged; sizes above
// MaxQRSize are refused.
func QRPNG(content string, size int) ([]byte, error) {
	if content == "" {
		return nil, fmt.Errorf("scenario: empty QR content")
	}
	if size <= 0 {
		size = DefaultQRSize
	}
	if size > MaxQRSize {
		return nil, fmt.Errorf("scenario: QR size %d above %d", size, MaxQRSize)
	}
	q, err := qrcode.New(content, qrcode.Medium)
	if err != nil {
		return nil, fmt.Errorf("scenario: QR encode: %w", err)
	}
	return q.PNG(size)
}

// QRTerminal renders content as a QR code for a terminal, with medium error
// recovery and the quiet zone. Each character is one module wide and two
// high (half blocks ▀ ▄ █), which looks square in a usual terminal font.
// Light modules are drawn, dark ones left blank, which suits the usual light
// text on a dark background. It returns "" when content cannot be encoded.
func QRTerminal(content string) string {
	if content == "" {
		return ""
	}
	q, err := qrcode.New(content, qrcode.Medium)
	if err != nil {
		return ""
	}
	return q.ToSmallString(false)
}
