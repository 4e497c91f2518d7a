package runtime

import (
	"bytes"
	"sync"
)

// logTailSize is how much of an invocation's output Result.Log keeps.
const logTailSize = 4 << 10

// logCapture reads an instance's combined stdout/stderr and cuts it into
// invocations: the worker writes a per-invocation marker after the
// invocation's output, so the bytes before it belong to that invocation.
type logCapture struct {
	mu     sync.Mutex
	buf    []byte // output since the last marker (only the tail is kept)
	marker []byte // marker being waited for
	found  chan []byte
	onLine func([]byte) // output outside an invocation, for the pool log
}

func (l *logCapture) run(r interface{ Read([]byte) (int, error) }) {
	chunk := make([]byte, 32<<10)
	for {
		n, err := r.Read(chunk)
		if n > 0 {
			l.write(chunk[:n])
		}
		if err != nil {
			l.mu.Lock()
			// The process is gone: whoever waits for a marker gets what there is.
			if l.found != nil {
				l.found <- l.take()
				l.found = nil
			}
			l.mu.Unlock()
			return
		}
	}
}

func (l *logCapture) write(p []byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	start := len(l.buf) - len(l.marker) + 1
	l.buf = append(l.buf, p...)
	if l.found != nil {
		if start < 0 {
			start = 0
		}
		if i := bytes.Index(l.buf[start:], l.marker); i >= 0 {
			i += start
			rest := append([]byte(nil), l.buf[i+len(l.marker):]...)
			l.buf = l.buf[:i]
			l.found <- l.take()
			l.found = nil
			l.buf = rest
			return
		}
	}
	// Keep memory bounded for chatty functions: the tail is all we return.
	if len(l.buf) > 64<<10 {
		keep := logTailSize + len(l.marker)
		l.buf = append(l.buf[:0], l.buf[len(l.buf)-keep:]...)
	}
}

// take returns the buffered output and empties the buffer (caller holds mu).
func (l *logCapture) take() []byte {
	out := l.buf
	l.buf = nil
	return out
}

// begin starts an invocation: output so far is handed to onLine and the
// returned channel receives the invocation's output once marker is seen.
func (l *logCapture) begin(marker string) chan []byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.buf) > 0 && l.onLine != nil {
		l.onLine(l.take())
	}
	l.buf = nil
	l.marker = []byte(marker)
	ch := make(chan []byte, 1)
	l.found = ch
	return ch
}

// abandon ends an invocation that will not see its marker (timeout, crash)
// and returns what it printed.
func (l *logCapture) abandon() []byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.found = nil
	return l.take()
}

func tail(b []byte) []byte {
	if len(b) > logTailSize {
		b = b[len(b)-logTailSize:]
	}
	return append([]byte(nil), b...)
}
