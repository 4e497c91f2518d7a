package runtime

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// LayerError is returned when a layer cannot be used: its zip is missing,
// unreadable, does not match its checksum or does not unpack.
type LayerError struct {
	Checksum string
	Err      error
}

func (e *LayerError) Error() string { return fmt.Sprintf("layer %s: %v", e.Checksum, e.Err) }
func (e *LayerError) Unwrap() error { return e.Err }

// optDir returns the local stand-in for the platform's /opt: "" without
// layers, the unpacked layer itself for one layer, and for several a merged
// directory of symlinks in which the layer listed earlier wins on a
// conflicting file. Layers and merges are cached (by SHA-256, by the
// ordered list of layer entries), so each layer version is unpacked once.
// It sets the SHA256 of each layer.
func (p *Pool) optDir(l *launch, layers []Layer) (string, error) {
	if len(layers) == 0 {
		return "", nil
	}
	dirs := make([]string, 0, len(layers))
	h := sha256.New()
	for i := range layers {
		dir, err := p.layerDir(l, &layers[i])
		if err != nil {
			return "", err
		}
		dirs = append(dirs, dir)
		h.Write([]byte(layers[i].SHA256 + "\x00"))
	}
	if len(dirs) == 1 {
		return dirs[0], nil
	}
	name := "opt-" + hex.EncodeToString(h.Sum(nil))
	p.pin(l, name)
	dst := filepath.Join(p.cfg.CacheDir, name)
	if _, err := os.Stat(dst); err == nil {
		return dst, nil
	}
	_, err, _ := p.unpacks.Do(name, func() (any, error) {
		if _, err := os.Stat(dst); err == nil {
			return nil, nil
		}
		tmp, err := os.MkdirTemp(p.cfg.CacheDir, ".unpack-"+name+"-")
		if err != nil {
			return nil, err
		}
		if err := mergeLayers(tmp, dirs); err != nil {
			_ = os.RemoveAll(tmp)
			return nil, fmt.Errorf("merge layers: %w", err)
		}
		if err := os.Chmod(tmp, 0o755); err != nil {
			_ = os.RemoveAll(tmp)
			return nil, err
		}
		if err := os.Rename(tmp, dst); err != nil {
			_ = os.RemoveAll(tmp)
			if _, statErr := os.Stat(dst); statErr == nil {
				return nil, nil // another pool merged the same list first
			}
			return nil, err
		}
		return nil, nil
	})
	if err != nil {
		return "", err
	}
	return dst, nil
}

// layerDir unpacks one layer version once, under layer-<sha256>.
func (p *Pool) layerDir(l *launch, layer *Layer) (string, error) {
	sum := layer.Checksum
	if sum != "" && !validChecksum(sum) {
		return "", &LayerError{Checksum: sum, Err: errors.New("checksum must be a decimal CRC-64 string")}
	}
	dir, name, err := p.unpacked(l, "layer-", layer.SHA256, sum, layer.Zip)
	if err != nil {
		return "", &LayerError{Checksum: sum, Err: err}
	}
	layer.SHA256 = strings.TrimPrefix(name, "layer-")
	return dir, nil
}

// mergeLayers fills dst with symlinks so that it looks like the layers
// extracted one over the other, the earliest winning: a name is linked to
// the earliest layer holding it, and a directory that several layers hold
// (the earliest as a real directory) is created and merged in turn.
func mergeLayers(dst string, srcs []string) error {
	type holder struct {
		path  string
		isDir bool
	}
	byName := map[string][]holder{}
	for _, src := range srcs {
		entries, err := os.ReadDir(src)
		if err != nil {
			return err
		}
		for _, e := range entries {
			// DirEntry.IsDir does not follow symlinks: a link is linked, not merged.
			byName[e.Name()] = append(byName[e.Name()], holder{filepath.Join(src, e.Name()), e.IsDir()})
		}
	}
	names := make([]string, 0, len(byName))
	for n := range byName {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		hs := byName[n]
		var dirs []string
		if hs[0].isDir {
			for _, h := range hs {
				if h.isDir {
					dirs = append(dirs, h.path)
				}
			}
		}
		target := filepath.Join(dst, n)
		if len(dirs) > 1 {
			if err := os.Mkdir(target, 0o755); err != nil {
				return err
			}
			if err := mergeLayers(target, dirs); err != nil {
				return err
			}
			continue
		}
		if err := os.Symlink(hs[0].path, target); err != nil {
			return err
		}
	}
	return nil
}

// layerEnv sets the search paths section 5.3 gives the built-in runtimes
// for /opt; custom runtimes get only the directory, as on the platform.
func layerEnv(env map[string]string, lang, opt string) {
	if opt == "" {
		return
	}
	env["FCDEPLOY_OPT_DIR"] = opt
	if lang == langCustom {
		return
	}
	env["PATH"] = filepath.Join(opt, "bin") + ":" + env["PATH"]
	env["LD_LIBRARY_PATH"] = filepath.Join(opt, "lib")
	switch lang {
	case langPython:
		env["PYTHONPATH"] = filepath.Join(opt, "python")
	case langNode:
		env["NODE_PATH"] = filepath.Join(opt, "nodejs", "node_modules")
	}
}
