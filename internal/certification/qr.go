package certification

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strings"

	"rsc.io/qr"
)

// QR is a QR code's module matrix (rsc.io/qr, error correction level M, which survives
// a smudged print), drawn as PNG or SVG with the four-module quiet zone the standard
// asks for.
type QR struct {
	code *qr.Code
}

// quietZone is the white border, in modules (ISO/IEC 18004).
const quietZone = 4

// EncodeQR encodes text.
func EncodeQR(text string) (*QR, error) {
	c, err := qr.Encode(text, qr.M)
	if err != nil {
		return nil, err
	}
	return &QR{code: c}, nil
}

// Size is the number of modules on a side, without the quiet zone.
func (q *QR) Size() int { return q.code.Size }

// Black reports whether the module at (x, y) is dark.
func (q *QR) Black(x, y int) bool { return q.code.Black(x, y) }

// PNG draws the code with scale pixels per module.
func (q *QR) PNG(scale int) []byte {
	if scale < 1 {
		scale = 1
	}
	n := (q.code.Size + 2*quietZone) * scale
	img := image.NewPaletted(image.Rect(0, 0, n, n), color.Palette{color.White, color.Black})
	for y := 0; y < q.code.Size; y++ {
		for x := 0; x < q.code.Size; x++ {
			if !q.code.Black(x, y) {
				continue
			}
			for dy := 0; dy < scale; dy++ {
				row := ((y+quietZone)*scale + dy) * img.Stride
				for dx := 0; dx < scale; dx++ {
					img.Pix[row+(x+quietZone)*scale+dx] = 1
				}
			}
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	return buf.Bytes()
}

// SVG draws the code as one path of unit squares (runs of dark modules merged into one
// rectangle per row), scaling to any size without blur. It carries no script and no
// style attribute, so it can be inlined under a strict Content-Security-Policy.
func (q *QR) SVG() string {
	n := q.code.Size + 2*quietZone
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" shape-rendering="crispEdges" role="img">`, n, n)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n, n)
	for y := 0; y < q.code.Size; y++ {
		for x := 0; x < q.code.Size; {
			if !q.code.Black(x, y) {
				x++
				continue
			}
			run := 1
			for x+run < q.code.Size && q.code.Black(x+run, y) {
				run++
			}
			fmt.Fprintf(&b, "M%d %dh%dv1h-%dz", x+quietZone, y+quietZone, run, run)
			x += run
		}
	}
	b.WriteString(`"/></svg>`)
	return b.String()
}
