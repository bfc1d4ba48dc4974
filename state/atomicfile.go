package state

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// tempPattern is the pattern of the temporary files writeAtomic makes
// next to path: os.CreateTemp puts decimal digits in place of the star.
func tempPattern(path string) string { return "." + filepath.Base(path) + ".tmp-*" }

// writeAtomic replaces path with data: a temporary file in the same
// folder, written, synced, then renamed over path, and the folder synced.
// On any failure path is unchanged and the temporary file removed.
func writeAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, tempPattern(path))
	if err != nil {
		return fmt.Errorf("state: saving %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err = f.Write(data); err != nil {
		return fmt.Errorf("state: saving %s: %w", path, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("state: saving %s: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("state: saving %s: %w", path, err)
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("state: saving %s: %w", path, err)
	}
	if d, derr := os.Open(dir); derr == nil { // make the rename itself durable
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// sweepTemps removes the temporary files a writeAtomic to path left
// behind when the process died before renaming them: regular files named
// exactly as writeAtomic names them (a dot, path's name, ".tmp-", then
// decimal digits only), and nothing else. One process at a time may save
// to a path, or this removes the other's file under way. It returns how
// many it removed and the first error.
func sweepTemps(path string) (removed int, err error) {
	dir := filepath.Dir(path)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, err
	}
	prefix, _, _ := strings.Cut(tempPattern(path), "*")
	for _, e := range entries {
		digits, ok := strings.CutPrefix(e.Name(), prefix)
		if !ok || !allDigits(digits) || !e.Type().IsRegular() {
			continue
		}
		if rerr := os.Remove(filepath.Join(dir, e.Name())); rerr != nil {
			if err == nil {
				err = rerr
			}
			continue
		}
		removed++
	}
	return removed, err
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
