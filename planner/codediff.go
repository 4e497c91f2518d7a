package planner

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/sergi/go-diff/diffmatchpatch"

	"github.com/fcdeploy/fcdeploy/fc"
)

// CodeFiles is how a function's code differs from the live code, file by
// file: counts of every change, and the first changes listed with sizes and
// a unified diff of small text files, within the plan's byte budget.
type CodeFiles struct {
	Added    int          `json:"added"`
	Removed  int          `json:"removed"`
	Modified int          `json:"modified"`
	Files    []FileChange `json:"files,omitempty"`
	// Omitted counts the changed files not listed in Files, and
	// DiffsOmitted the listed text files whose diff was left out, because
	// the plan's byte budget was spent.
	Omitted      int `json:"omitted,omitempty"`
	DiffsOmitted int `json:"diffs_omitted,omitempty"`
	// NotCompared says why the live code could not be read to compare
	// (then only the checksums differ, and the code is uploaded).
	NotCompared string `json:"not_compared,omitempty"`
}

// FileChange is one file that differs between the live and the local code.
type FileChange struct {
	Path string `json:"path"`
	// Change is "added", "removed" or "modified".
	Change     string `json:"change"`
	BeforeSize int64  `json:"before_size"`
	AfterSize  int64  `json:"after_size"`
	// ModeChange is "executable" or "not executable" when that is what
	// changed about the file.
	ModeChange string `json:"mode_change,omitempty"`
	// Diff is a unified diff of a small text file; empty for binary or
	// large files.
	Diff string `json:"diff,omitempty"`
	// DiffHidden says the file's name suggests secrets (.env, keys,
	// credentials), so its content is not shown.
	DiffHidden bool `json:"diff_hidden,omitempty"`
}

// secretFileRE matches file names whose content is likely secret: plans
// end up in pull-request comments, so their diffs are not shown.
var secretFileRE = regexp.MustCompile(`(?i)(^|/)(\.env(\..*)?|.*\.(pem|key|p12|pfx|jks|keystore)|id_(rsa|dsa|ecdsa|ed25519)|\.npmrc|\.pypirc|\.netrc|.*(secret|credential|password).*)$`)

// File change kinds.
const (
	FileAdded    = "added"
	FileRemoved  = "removed"
	FileModified = "modified"
)

// CodeAPI is what CompareCode reads from Function Compute.
type CodeAPI interface {
	GetFunctionCode(ctx context.Context, service, qualifier, function string) (*fc.FunctionCode, error)
	DownloadCode(ctx context.Context, code *fc.FunctionCode) ([]byte, error)
}

// CodeSource gives the local zip of a function, the one with the planned
// checksum (the applier's code provider does).
type CodeSource interface {
	Code(ctx context.Context, service, function, checksum string) ([]byte, error)
}

// CompareOptions tune CompareCode.
type CompareOptions struct {
	// CacheDir keeps downloaded live code by checksum, so that the next
	// plan does not download it again; empty: no cache.
	CacheDir string
	// MaxBytes is the plan's budget for file lists and diffs (0: 64 kB).
	MaxBytes int
	// MaxDiffFileBytes is the largest file whose diff is shown (0: 64 kB).
	MaxDiffFileBytes int64
	// Only limits the comparison to these SERVICE or SERVICE/FUNCTION (a
	// plan limited with Plan.Limit needs no other); empty: every function.
	Only []string
}

// wanted reports whether opt.Only includes the function.
func (opt CompareOptions) wanted(service, function string) bool {
	if len(opt.Only) == 0 {
		return true
	}
	for _, ref := range opt.Only {
		s, f, err := ParseResourceRef(ref)
		if err == nil && s == service && (f == "" || f == function) {
			return true
		}
	}
	return false
}

// DefaultCodeDiffBytes is the default CompareOptions.MaxBytes.
const DefaultCodeDiffBytes = 64 << 10

// CodeComparison is the result of CompareCode: the desired state to diff,
// in which code whose content is the live one carries the live checksum,
// and the file changes of the functions whose content differs.
type CodeComparison struct {
	Desired *Desired
	// Files by function address.
	Files map[string]*CodeFiles
	// Same lists the addresses of functions whose code has another
	// checksum but the same content as the live code.
	Same []string
}

// CompareCode compares by content the code of every desired function whose
// checksum differs from its live codeChecksum: a zip built by another tool
// (or another zip library) has another checksum for the same files. It
// downloads the live code (checksum-verified, cached by checksum), unpacks
// both zips in memory and compares paths, executable bits and contents.
// Diff the returned Desired, then Annotate the plan with the file changes.
// d is not modified.
func CompareCode(ctx context.Context, api CodeAPI, d *Desired, live *Live, local CodeSource, opt CompareOptions) (*CodeComparison, error) {
	out := &CodeComparison{Desired: cloneDesiredCode(d), Files: map[string]*CodeFiles{}}
	if local == nil {
		return out, nil
	}
	budget := opt.MaxBytes
	if budget <= 0 {
		budget = DefaultCodeDiffBytes
	}
	maxFile := opt.MaxDiffFileBytes
	if maxFile <= 0 {
		maxFile = 64 << 10
	}
	services := out.Desired.Services
	slices.SortFunc(services, func(a, b DesiredService) int { return strings.Compare(a.Name, b.Name) })
	for i := range services {
		ds := &services[i]
		ls := live.Services[ds.Name]
		if ls == nil || ls.Service == nil {
			continue
		}
		fns := ds.Functions
		slices.SortFunc(fns, func(a, b DesiredFunction) int { return strings.Compare(a.Name, b.Name) })
		for j := range fns {
			df := &fns[j]
			lf := ls.Functions[df.Name]
			if lf == nil || df.Code.Checksum == "" || lf.CodeChecksum == "" || df.Code.Checksum == lf.CodeChecksum || !opt.wanted(ds.Name, df.Name) {
				continue
			}
			subject := "function " + ds.Name + "/" + df.Name
			mine, err := local.Code(ctx, ds.Name, df.Name, df.Code.Checksum)
			if err != nil {
				return nil, err
			}
			addr := FunctionAddress(ds.Name, df.Name)
			theirs, err := liveCode(ctx, api, ds.Name, df.Name, lf.CodeChecksum, opt.CacheDir)
			var stale *StalePlanError
			switch {
			case errors.As(err, &stale) || ctx.Err() != nil:
				return nil, fmt.Errorf("%s: downloading the live code to compare it: %w", subject, err)
			case err != nil:
				// Without read access to the code the plan still works,
				// by checksum, as it did before comparing content.
				out.Files[addr] = &CodeFiles{NotCompared: "the live code could not be read: " + err.Error()}
				continue
			}
			files, err := compareZips(theirs, mine, &budget, maxFile)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", subject, err)
			}
			if files == nil {
				df.Code.Checksum = lf.CodeChecksum
				out.Same = append(out.Same, addr)
				continue
			}
			out.Files[addr] = files
		}
	}
	return out, nil
}

// Annotate adds the file changes to the code changes of plan.
func (c *CodeComparison) Annotate(plan *Plan) {
	for i := range plan.Changes {
		ch := &plan.Changes[i]
		if ch.Kind != KindFunction || ch.Code == nil || !ch.Code.Upload {
			continue
		}
		if f := c.Files[ch.Address]; f != nil {
			ch.Code.Files = f
		}
	}
}

// cloneDesiredCode copies d deep enough to change the code of functions.
func cloneDesiredCode(d *Desired) *Desired {
	out := *d
	out.Services = slices.Clone(d.Services)
	for i := range out.Services {
		out.Services[i].Functions = slices.Clone(out.Services[i].Functions)
	}
	return &out
}

// liveCode returns the live zip of a function, from the cache when it holds
// bytes with that checksum.
func liveCode(ctx context.Context, api CodeAPI, service, function, checksum, cacheDir string) ([]byte, error) {
	var cached string
	if cacheDir != "" {
		cached = filepath.Join(cacheDir, "live-code", checksum+".zip")
		if b, err := os.ReadFile(cached); err == nil && fc.CodeChecksum(b) == checksum {
			return b, nil
		}
	}
	code, err := api.GetFunctionCode(ctx, service, "", function)
	if err != nil {
		return nil, err
	}
	if code.Checksum != checksum {
		return nil, &StalePlanError{Reason: fmt.Sprintf("function %s/%s changed while the plan was being made (code %s, then %s)", service, function, checksum, code.Checksum)}
	}
	b, err := api.DownloadCode(ctx, code)
	if err != nil {
		return nil, err
	}
	if cached != "" {
		// A cache that cannot be written only costs a download next time.
		if err := os.MkdirAll(filepath.Dir(cached), 0o755); err == nil {
			tmp := cached + ".tmp"
			if os.WriteFile(tmp, b, 0o644) == nil {
				_ = os.Rename(tmp, cached)
			}
		}
	}
	return b, nil
}

// zipEntry is one file of an unpacked zip.
type zipEntry struct {
	file *zip.File
	size int64
	// exec is the executable bit; known is false for zips written without
	// Unix modes (then modes are not compared).
	exec, known bool
	sum         [32]byte
}

// readZipTree indexes the files of a zip by cleaned path, with a hash of
// each file's content. Directories are not compared: FC creates them.
func readZipTree(data []byte, which string) (map[string]*zipEntry, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("the %s code is not a readable zip: %w", which, err)
	}
	out := map[string]*zipEntry{}
	for _, f := range zr.File {
		name := strings.ReplaceAll(f.Name, `\`, "/")
		if strings.HasSuffix(name, "/") || f.Mode().IsDir() {
			continue
		}
		name = strings.TrimPrefix(path.Clean("/"+name), "/")
		e := &zipEntry{file: f, size: int64(f.UncompressedSize64)}
		if f.CreatorVersion>>8 == 3 { // made on Unix: the mode is meaningful
			e.known = true
			e.exec = f.Mode()&0o111 != 0
		}
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("the %s code: %s: %w", which, name, err)
		}
		h := sha256.New()
		n, err := io.Copy(h, rc)
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("the %s code: %s: %w", which, name, err)
		}
		e.size = n
		copy(e.sum[:], h.Sum(nil))
		out[name] = e
	}
	return out, nil
}

// compareZips compares two zips by content. It returns nil when their
// trees are the same, and otherwise the differences, listing them while
// *budget lasts.
func compareZips(before, after []byte, budget *int, maxFile int64) (*CodeFiles, error) {
	b, err := readZipTree(before, "live")
	if err != nil {
		return nil, err
	}
	a, err := readZipTree(after, "local")
	if err != nil {
		return nil, err
	}
	names := map[string]bool{}
	for n := range b {
		names[n] = true
	}
	for n := range a {
		names[n] = true
	}
	files := &CodeFiles{}
	for _, name := range slices.Sorted(maps.Keys(names)) {
		be, ae := b[name], a[name]
		fch := FileChange{Path: name}
		switch {
		case be == nil:
			fch.Change, fch.AfterSize = FileAdded, ae.size
			files.Added++
		case ae == nil:
			fch.Change, fch.BeforeSize = FileRemoved, be.size
			files.Removed++
		default:
			modeChanged := be.known && ae.known && be.exec != ae.exec
			if be.sum == ae.sum && !modeChanged {
				continue
			}
			fch.Change, fch.BeforeSize, fch.AfterSize = FileModified, be.size, ae.size
			if modeChanged {
				fch.ModeChange = "not executable"
				if ae.exec {
					fch.ModeChange = "executable"
				}
			}
			files.Modified++
		}
		cost := len(name) + 40
		if *budget < cost {
			files.Omitted++
			continue
		}
		*budget -= cost
		if secretFileRE.MatchString(name) {
			fch.DiffHidden = true
		} else if fch.Change != FileModified || be.sum != ae.sum {
			d, err := fileDiff(be, ae, maxFile)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			if d != "" {
				if *budget < len(d) {
					files.DiffsOmitted++
				} else {
					*budget -= len(d)
					fch.Diff = d
				}
			}
		}
		files.Files = append(files.Files, fch)
	}
	if files.Added+files.Removed+files.Modified == 0 {
		return nil, nil
	}
	return files, nil
}

// fileDiff is the unified diff of a file between two zips (either may be
// nil), or "" when either side is too large or not text.
func fileDiff(before, after *zipEntry, maxFile int64) (string, error) {
	read := func(e *zipEntry) (string, bool, error) {
		if e == nil {
			return "", true, nil
		}
		if e.size > maxFile {
			return "", false, nil
		}
		rc, err := e.file.Open()
		if err != nil {
			return "", false, err
		}
		defer rc.Close()
		data, err := io.ReadAll(io.LimitReader(rc, maxFile+1))
		if err != nil {
			return "", false, err
		}
		if bytes.IndexByte(data, 0) >= 0 || !utf8.Valid(data) {
			return "", false, nil
		}
		return string(data), true, nil
	}
	b, okB, err := read(before)
	if err != nil {
		return "", err
	}
	a, okA, err := read(after)
	if err != nil {
		return "", err
	}
	if !okB || !okA {
		return "", nil
	}
	return UnifiedDiff(b, a, 3), nil
}

// UnifiedDiff is a line-based unified diff of two texts with the given
// lines of context, hunk headers included and file headers left out.
func UnifiedDiff(before, after string, context int) string {
	dmp := diffmatchpatch.New()
	ca, cb, lines := dmp.DiffLinesToChars(before, after)
	diffs := dmp.DiffCharsToLines(dmp.DiffMain(ca, cb, false), lines)
	type op struct {
		kind byte // ' ', '-', '+'
		text string
	}
	var ops []op
	for _, d := range diffs {
		kind := byte(' ')
		switch d.Type {
		case diffmatchpatch.DiffInsert:
			kind = '+'
		case diffmatchpatch.DiffDelete:
			kind = '-'
		}
		text := d.Text
		for text != "" {
			line, rest, found := strings.Cut(text, "\n")
			if !found {
				line += "\n\\ No newline at end of file"
			}
			ops = append(ops, op{kind, line})
			text = rest
		}
	}
	var out strings.Builder
	for i := 0; i < len(ops); {
		if ops[i].kind == ' ' {
			i++
			continue
		}
		// A hunk: from context lines before the change to context lines
		// after the last change closer than 2*context to the previous.
		start := max(i-context, 0)
		end := i
		for end < len(ops) {
			if ops[end].kind != ' ' {
				end++
				continue
			}
			j := end
			for j < len(ops) && ops[j].kind == ' ' {
				j++
			}
			if j == len(ops) || j-end > 2*context {
				end = min(end+context, len(ops))
				break
			}
			end = j
		}
		oldStart, newStart := 1, 1
		for _, o := range ops[:start] {
			if o.kind != '+' {
				oldStart++
			}
			if o.kind != '-' {
				newStart++
			}
		}
		oldN, newN := 0, 0
		for _, o := range ops[start:end] {
			if o.kind != '+' {
				oldN++
			}
			if o.kind != '-' {
				newN++
			}
		}
		if oldN == 0 {
			oldStart--
		}
		if newN == 0 {
			newStart--
		}
		fmt.Fprintf(&out, "@@ -%d,%d +%d,%d @@\n", oldStart, oldN, newStart, newN)
		for _, o := range ops[start:end] {
			out.WriteByte(o.kind)
			out.WriteString(o.text)
			out.WriteByte('\n')
		}
		i = end
	}
	return out.String()
}
