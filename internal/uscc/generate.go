package uscc

import (
	"math/rand/v2"
)

// Generate returns a random valid unified social credit code with the given
// registration authority, entity type and GB/T 2260 region code: 8 random body
// characters from Charset, the GB 11714 check character at position 17 and the
// GB 32100 check character at position 18. The same generator state gives the same
// code. It is meant for tests and demo data; the codes are not registered anywhere.
//
// Generate panics if authority or typ is not in Charset or region is not 6 digits:
// those are programming errors, not input errors.
func Generate(r *rand.Rand, authority, typ byte, region string) string {
	if values[authority] < 0 || values[typ] < 0 {
		panic("uscc.Generate: authority and type must be characters of Charset")
	}
	if len(region) != 6 {
		panic("uscc.Generate: region must be 6 digits")
	}
	var b [Length]byte
	b[0], b[1] = authority, typ
	for i := range 6 {
		c := region[i]
		if c < '0' || c > '9' {
			panic("uscc.Generate: region must be 6 digits")
		}
		b[2+i] = c
	}
	for i := 8; i < 16; i++ {
		b[i] = Charset[r.IntN(len(Charset))]
	}
	b[16] = orgCheck(b[8:16])
	b[17] = usccCheck(b[:17])
	return string(b[:])
}
