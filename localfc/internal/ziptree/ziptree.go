package ziptree

import (
	"errors"
	"fmt"
	"path"
	"strings"
)

// MaxLinkHops bounds the links followed while resolving one (as Linux).
const MaxLinkHops = 40

// ErrOutside is wrapped by the error of a link that resolves outside the
// code directory.
var ErrOutside = errors.New("the symlink resolves outside the code directory")

// ResolveInside follows the link at name (a clean slash path relative to
// the code directory) through links (every link of the archive: clean
// slash path -> target), link by link, and fails if any step leaves the
// root. Names the archive does not hold are followed lexically: once
// unpacked they would be created inside whatever the links resolved to,
// so a dangling chain is no safer than one whose target exists.
func ResolveInside(name string, links map[string]string) error {
	var walk func(dir []string, target string, hops int) ([]string, error)
	walk = func(dir []string, target string, hops int) ([]string, error) {
		cur := append([]string(nil), dir...)
		for _, el := range strings.Split(target, "/") {
			switch el {
			case "", ".":
				continue
			case "..":
				if len(cur) == 0 {
					return nil, ErrOutside
				}
				cur = cur[:len(cur)-1]
				continue
			}
			cur = append(cur, el)
			if t, isLink := links[strings.Join(cur, "/")]; isLink {
				if hops >= MaxLinkHops {
					return nil, fmt.Errorf("more than %d symlinks in a chain (a loop?)", MaxLinkHops)
				}
				var err error
				if cur, err = walk(cur[:len(cur)-1], t, hops+1); err != nil {
					return nil, err
				}
			}
		}
		return cur, nil
	}
	var parent []string
	if d := path.Dir(name); d != "." {
		parent = strings.Split(d, "/")
	}
	_, err := walk(parent, links[name], 1)
	return err
}
