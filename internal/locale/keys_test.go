package locale_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"qcity/internal/locale"
)

// Every locale key the code or the templates name must be in the catalogue, so that no
// page or error shows a raw key. Keys built at run time (role.%s and the like) are
// checked by the pages test, which renders every enumeration.
func TestReferencedKeysExist(t *testing.T) {
	root := filepath.Join("..", "..")
	goKey := regexp.MustCompile(`"((?:auth|registry|region|industry|uscc|orgcode|sheet|web|ui|nav|field|demo|error|role|action|source|credit|creditui|translog|screening|screenui|cert|certui|nqi)\.[a-z0-9_]+(?:\.[a-z0-9_]+)*)"`)
	tmplKey := regexp.MustCompile(`\.T "([a-z0-9_.]+)"`)
	c := locale.Default()
	checked := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		var re *regexp.Regexp
		switch {
		case strings.HasSuffix(path, "_test.go"):
			return nil
		case strings.HasSuffix(path, ".go"):
			re = goKey
		case strings.HasSuffix(path, ".html"):
			re = tmplKey
		default:
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			key := m[1]
			if strings.HasSuffix(key, ".") || strings.HasSuffix(key, "_") {
				continue // a prefix completed at run time
			}
			checked++
			for _, l := range locale.Langs {
				if !c.Has(l, key) {
					t.Errorf("%s names %q, missing in %s", path, key, l)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 100 {
		t.Errorf("only %d key references found: the scan is broken", checked)
	}
}
