package localfc

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"time"
)

// Invocation logs: what each function printed per invocation, kept in the
// data directory so that `fcdeploy logs` can show them whether or not a
// server runs (one process holds the data directory, so there is one
// writer). Each function has DATA/logs/ACCOUNT/SERVICE/FUNCTION.ndjson, one
// JSON record per line, and the previous segment FUNCTION.ndjson.1: when
// the current segment reaches half the bound it becomes the previous one,
// so a function never keeps more than LogMaxBytes or LogMaxRecords, and
// always at least half of that.

// LogsDirName is the folder of invocation logs in a data directory.
const LogsDirName = "logs"

// Bounds of the invocation logs kept per function.
const (
	LogMaxRecords = 1000
	LogMaxBytes   = 1 << 20
)

// InvocationLog is one invocation's record. Field names are part of
// `fcdeploy logs --format json`.
type InvocationLog struct {
	Time      time.Time `json:"time"` // when the invocation started
	RequestID string    `json:"requestId"`
	Service   string    `json:"service"`
	// Qualifier is what the caller asked for; VersionID what it resolved
	// to ("" for LATEST).
	Qualifier  string `json:"qualifier,omitempty"`
	VersionID  string `json:"versionId,omitempty"`
	Function   string `json:"function"`
	DurationMS int64  `json:"durationMs"`
	// ErrorType is "", HandledInvocationError or UnhandledInvocationError.
	ErrorType string `json:"errorType,omitempty"`
	// Log is the tail of what the invocation printed (the runtime keeps
	// the last 4 KB).
	Log string `json:"log"`
}

// InvocationLogs appends invocation records to a data directory's logs.
type InvocationLogs struct {
	dir        string
	maxBytes   int64
	maxRecords int

	mu       sync.Mutex
	segments map[string]*segmentSize // by file path
}

type segmentSize struct{ bytes, records int }

// NewInvocationLogs keeps the invocation logs of dataDir.
func NewInvocationLogs(dataDir string) *InvocationLogs {
	return &InvocationLogs{dir: filepath.Join(dataDir, LogsDirName), maxBytes: LogMaxBytes, maxRecords: LogMaxRecords, segments: map[string]*segmentSize{}}
}

// names are safe as path elements: FC names are [A-Za-z_][A-Za-z0-9_-]*
// (services and functions) and account ids are digits; anything else is
// refused rather than turned into a path.
var logName = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_-]{0,127}$`)

// LogFile is the current segment of a function's invocation logs.
func LogFile(dataDir, account, service, function string) (string, error) {
	for _, n := range []struct{ what, v string }{{"account", account}, {"service", service}, {"function", function}} {
		if !logName.MatchString(n.v) {
			return "", fmt.Errorf("invocation logs: %s name %q is not a Function Compute name", n.what, n.v)
		}
	}
	return filepath.Join(dataDir, LogsDirName, account, service, function+".ndjson"), nil
}

// Append records one invocation of account's function, rotating the
// function's segments to stay within the bounds.
func (l *InvocationLogs) Append(account string, rec InvocationLog) error {
	path, err := LogFile(filepath.Dir(l.dir), account, rec.Service, rec.Function)
	if err != nil {
		return err
	}
	line, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("invocation logs: %w", err)
	}
	line = append(line, '\n')
	l.mu.Lock()
	defer l.mu.Unlock()
	size, err := l.size(path)
	if err != nil {
		return err
	}
	if size.records > 0 && (int64(size.bytes+len(line)) > l.maxBytes/2 || size.records+1 > l.maxRecords/2) {
		if err := os.Rename(path, path+".1"); err != nil {
			return fmt.Errorf("invocation logs: %w", err)
		}
		*size = segmentSize{}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("invocation logs: %w", err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("invocation logs: %w", err)
	}
	_, werr := f.Write(line)
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		return fmt.Errorf("invocation logs %s: %w", path, err)
	}
	size.bytes += len(line)
	size.records++
	return nil
}

// size is what the current segment holds, counted once per process.
func (l *InvocationLogs) size(path string) (*segmentSize, error) {
	if s, ok := l.segments[path]; ok {
		return s, nil
	}
	s := &segmentSize{}
	data, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("invocation logs: %w", err)
	}
	s.bytes, s.records = len(data), bytes.Count(data, []byte{'\n'})
	l.segments[path] = s
	return s, nil
}

// LogQuery selects invocation records.
type LogQuery struct {
	// Qualifier keeps the invocations of an alias or version: those that
	// asked for it or resolved to it ("LATEST" matches unqualified ones).
	Qualifier string
	// Since keeps the invocations started at or after it.
	Since time.Time
	// RequestID keeps one invocation.
	RequestID string
}

func (q LogQuery) match(r InvocationLog) bool {
	switch {
	case q.RequestID != "" && r.RequestID != q.RequestID:
		return false
	case !q.Since.IsZero() && r.Time.Before(q.Since):
		return false
	case q.Qualifier != "":
		if q.Qualifier == "LATEST" {
			return r.Qualifier == "" || r.Qualifier == "LATEST"
		}
		return r.Qualifier == q.Qualifier || r.VersionID == q.Qualifier
	}
	return true
}

// ReadInvocationLogs returns the kept records of a function that match q,
// oldest first.
func ReadInvocationLogs(dataDir, account, service, function string, q LogQuery) ([]InvocationLog, error) {
	path, err := LogFile(dataDir, account, service, function)
	if err != nil {
		return nil, err
	}
	var out []InvocationLog
	for _, p := range []string{path + ".1", path} {
		f, err := os.Open(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("invocation logs: %w", err)
		}
		_, err = readRecords(f, q, func(r InvocationLog) { out = append(out, r) })
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("invocation logs %s: %w", p, err)
		}
	}
	return out, nil
}

// readRecords reads the complete lines of r, calling fn for those that
// match q, and returns how many bytes they took: a line still being
// written is left for the next read.
func readRecords(r io.Reader, q LogQuery, fn func(InvocationLog)) (int64, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var n int64
	for {
		line, err := br.ReadBytes('\n')
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		n += int64(len(line))
		var rec InvocationLog
		if json.Unmarshal(line, &rec) != nil {
			continue // a damaged line costs one record, not the log
		}
		if q.match(rec) {
			fn(rec)
		}
	}
}

// FollowInvocationLogs calls fn for each record of the function that
// matches q, the kept ones first, then new ones as they are appended
// (checking every poll), until ctx ends or fn returns false. Rotation is
// followed: the old segment is read to its end before the new one.
func FollowInvocationLogs(ctx context.Context, dataDir, account, service, function string, q LogQuery, poll time.Duration, fn func(InvocationLog) bool) error {
	path, err := LogFile(dataDir, account, service, function)
	if err != nil {
		return err
	}
	stop := false
	emit := func(r InvocationLog) {
		if !stop && !fn(r) {
			stop = true
		}
	}
	// The previous segment first, unless it is what we will open next.
	if f, err := os.Open(path + ".1"); err == nil {
		_, err = readRecords(f, q, emit)
		f.Close()
		if err != nil {
			return fmt.Errorf("invocation logs: %w", err)
		}
	}
	var cur *os.File
	defer func() {
		if cur != nil {
			cur.Close()
		}
	}()
	var offset int64
	for !stop {
		if cur == nil {
			if f, err := os.Open(path); err == nil {
				cur, offset = f, 0
			} else if !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("invocation logs: %w", err)
			}
		}
		if cur != nil {
			if _, err := cur.Seek(offset, io.SeekStart); err != nil {
				return fmt.Errorf("invocation logs: %w", err)
			}
			n, err := readRecords(cur, q, emit)
			if err != nil {
				return fmt.Errorf("invocation logs: %w", err)
			}
			offset += n
			if stop {
				break
			}
			// Rotated: the segment we hold is now the previous one, read
			// to its end above; the new current one starts from zero.
			if fi, err := os.Stat(path); err != nil || !sameFile(cur, fi) {
				// A record appended just before the rename is read now:
				// nothing is written to a segment once it was renamed.
				if _, err := readRecords(cur, q, emit); err != nil {
					return fmt.Errorf("invocation logs: %w", err)
				}
				cur.Close()
				cur = nil
				continue
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(poll):
		}
	}
	return nil
}

func sameFile(f *os.File, fi os.FileInfo) bool {
	cur, err := f.Stat()
	return err == nil && os.SameFile(cur, fi)
}

// recordInvocation keeps an invocation's log when the server keeps logs.
// A failure to write costs the record, never the invocation.
func (s *Server) recordInvocation(inv invocation, versionID string, start time.Time, duration time.Duration, errorType string, log []byte) {
	if s.logs == nil {
		return
	}
	rec := InvocationLog{
		Time: start.UTC(), RequestID: inv.requestID, Service: inv.service, Qualifier: inv.qualifier,
		VersionID: versionID, Function: inv.function, DurationMS: duration.Milliseconds(),
		ErrorType: errorType, Log: StripRuntimeFrames(string(log)),
	}
	if err := s.logs.Append(inv.account, rec); err != nil {
		s.log.Warn("invocation logs", "error", err.Error())
	}
}
