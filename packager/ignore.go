package packager

import (
	"bufio"
	"bytes"
	"strings"
	"unicode/utf8"
)

// IgnoreFile is the name of the ignore file read at the root of a code
// directory.
const IgnoreFile = ".fcignore"

// hardIgnores are never shipped, whatever .fcignore says: version control
// data, fcdeploy's own state (its cache would otherwise be zipped into
// itself) and the ignore file.
var hardIgnores = []string{".git", ".svn", ".hg", ".fcdeploy", "/" + IgnoreFile}

// softIgnores are editor and OS junk; a `!` pattern in .fcignore can bring
// them back.
var softIgnores = []string{".DS_Store", "Thumbs.db", "*.swp", "*~", ".idea/", ".vscode/"}

// pattern is one parsed gitignore line.
type pattern struct {
	segs    []string // slash-separated glob segments; "**" is a segment of its own
	negate  bool
	dirOnly bool
}

// Matcher decides which slash-separated relative paths are ignored, with
// gitignore semantics: the last matching pattern wins.
type Matcher struct {
	hard []pattern
	pats []pattern
}

// NewMatcher returns the matcher of a code directory whose .fcignore holds
// data (nil when there is none): built-in ignores first, then the file's
// patterns in order.
func NewMatcher(data []byte) *Matcher {
	m := &Matcher{}
	for _, line := range hardIgnores {
		p, _ := parsePattern(line)
		m.hard = append(m.hard, p)
	}
	for _, line := range softIgnores {
		p, _ := parsePattern(line)
		m.pats = append(m.pats, p)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		if p, ok := parsePattern(sc.Text()); ok {
			m.pats = append(m.pats, p)
		}
	}
	return m
}

// parsePattern parses one line; ok is false for blank lines and comments.
func parsePattern(line string) (pattern, bool) {
	line = strings.TrimSuffix(line, "\r")
	line = trimTrailingSpaces(line)
	if line == "" || line[0] == '#' {
		return pattern{}, false
	}
	var p pattern
	// A leading `\!` or `\#` needs nothing here: the glob reads `\x` as
	// the literal x.
	if line[0] == '!' {
		p.negate = true
		line = line[1:]
	}
	if strings.HasSuffix(line, "/") && !strings.HasSuffix(line, `\/`) {
		p.dirOnly = true
		line = strings.TrimRight(line, "/")
	}
	if line == "" {
		return pattern{}, false
	}
	// A slash at the start or in the middle anchors the pattern to the
	// root; otherwise it matches at any depth.
	anchored := strings.Contains(line, "/")
	line = strings.TrimPrefix(line, "/")
	for _, s := range strings.Split(line, "/") {
		if s == "" {
			continue // "a//b" means "a/b"
		}
		if s == "**" && len(p.segs) > 0 && p.segs[len(p.segs)-1] == "**" {
			continue // "**/**" means "**"
		}
		p.segs = append(p.segs, s)
	}
	if len(p.segs) == 0 {
		return pattern{}, false
	}
	if !anchored && p.segs[0] != "**" {
		p.segs = append([]string{"**"}, p.segs...)
	}
	return p, true
}

// trimTrailingSpaces drops trailing spaces unless escaped with a backslash.
func trimTrailingSpaces(s string) string {
	for strings.HasSuffix(s, " ") {
		// Count the backslashes before the last space: odd means escaped.
		i := len(s) - 1
		n := 0
		for j := i - 1; j >= 0 && s[j] == '\\'; j-- {
			n++
		}
		if n%2 == 1 {
			return s
		}
		s = s[:i]
	}
	return s
}

// Ignored reports whether rel (slash-separated, relative to the code
// directory, no leading slash) is ignored; isDir says whether it names a
// directory. The caller does not descend into ignored directories, so a
// file under an ignored directory cannot be re-included, as in git.
func (m *Matcher) Ignored(rel string, isDir bool) bool {
	parts := strings.Split(rel, "/")
	for _, p := range m.hard {
		if p.match(parts, isDir) {
			return true
		}
	}
	ignored := false
	for _, p := range m.pats {
		if p.match(parts, isDir) {
			ignored = !p.negate
		}
	}
	return ignored
}

func (p pattern) match(parts []string, isDir bool) bool {
	if p.dirOnly && !isDir {
		return false
	}
	// Fast path for the most common shape, a bare name or glob matching at
	// any depth ("**/name"): only the last path segment matters. ("**/**"
	// was collapsed to "**" when parsed, and parts has at least one.)
	if len(p.segs) == 2 && p.segs[0] == "**" {
		return matchGlob(p.segs[1], parts[len(parts)-1])
	}
	return matchSegs(p.segs, parts)
}

// matchSegs matches glob segments against path segments. "**" matches zero
// or more whole segments, except as the last segment where it needs at
// least one ("dir/**" matches what is inside dir, not dir itself). It is a
// dynamic programme over (segment, part) so hostile patterns such as
// "**/a/**/a/**/b" stay polynomial.
func matchSegs(segs, parts []string) bool {
	n, m := len(segs), len(parts)
	// ok[j] is "segs[i:] matches parts[j:]" for the row i being computed;
	// next holds row i+1.
	next := make([]bool, m+1)
	ok := make([]bool, m+1)
	next[m] = true // no segments match no parts
	for i := n - 1; i >= 0; i-- {
		for j := m; j >= 0; j-- {
			switch {
			case segs[i] == "**" && i == n-1:
				ok[j] = j < m
			case segs[i] == "**":
				ok[j] = next[j] || (j < m && ok[j+1])
			default:
				ok[j] = j < m && next[j+1] && matchGlob(segs[i], parts[j])
			}
		}
		next, ok = ok, next
	}
	return next[0]
}

// matchGlob matches one path segment against one glob segment: `*` any run
// of characters, `?` one character, `[...]` a class (`!` or `^` negates,
// ranges with `-`), `\x` the literal x. Malformed classes match nothing.
func matchGlob(pat, name string) bool {
	// Iterative matcher with one backtrack point for the last star, which
	// keeps it linear-ish on hostile input.
	starP, starN := -1, 0 // no star yet
	p, n := 0, 0
	for n < len(name) {
		if p < len(pat) {
			switch c := pat[p]; c {
			case '*':
				for p < len(pat) && pat[p] == '*' {
					p++
				}
				starP, starN = p, n
				continue
			case '?':
				_, size := utf8.DecodeRuneInString(name[n:])
				p++
				n += size
				continue
			case '[':
				ok, plen, valid := matchClass(pat[p:], name[n:])
				if !valid {
					return false
				}
				if ok {
					_, size := utf8.DecodeRuneInString(name[n:])
					p += plen
					n += size
					continue
				}
			case '\\':
				if p+1 < len(pat) && pat[p+1] == name[n] {
					p += 2
					n++
					continue
				}
			default:
				if c == name[n] {
					p++
					n++
					continue
				}
			}
		}
		if starP == -1 {
			return false
		}
		_, size := utf8.DecodeRuneInString(name[starN:])
		starN += size
		p, n = starP, starN
	}
	for p < len(pat) && pat[p] == '*' {
		p++
	}
	return p == len(pat)
}

// matchClass matches the first character of name against the class at the
// start of pat. It returns whether it matched, the class length in pat, and
// whether the class is well formed.
func matchClass(pat, name string) (matched bool, plen int, valid bool) {
	r, _ := utf8.DecodeRuneInString(name)
	i := 1
	negate := false
	if i < len(pat) && (pat[i] == '!' || pat[i] == '^') {
		negate = true
		i++
	}
	first := true
	for {
		if i >= len(pat) {
			return false, 0, false
		}
		if pat[i] == ']' && !first {
			i++
			break
		}
		first = false
		lo, n, ok := classChar(pat[i:])
		if !ok {
			return false, 0, false
		}
		i += n
		hi := lo
		if i+1 < len(pat) && pat[i] == '-' && pat[i+1] != ']' {
			h, n, ok := classChar(pat[i+1:])
			if !ok {
				return false, 0, false
			}
			hi = h
			i += 1 + n
		}
		if lo <= r && r <= hi {
			matched = true
		}
	}
	return matched != negate, i, true
}

func classChar(s string) (rune, int, bool) {
	if s[0] == '\\' {
		if len(s) < 2 {
			return 0, 0, false
		}
		r, n := utf8.DecodeRuneInString(s[1:])
		return r, n + 1, true
	}
	r, n := utf8.DecodeRuneInString(s)
	return r, n, true
}
