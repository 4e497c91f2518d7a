package runtime

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"time"
)

// maxFrame bounds one protocol frame part, so a confused worker cannot make
// the pool allocate without limit.
const maxFrame = 128 << 20

// memoryPollInterval is how often a busy instance's RSS is checked.
const memoryPollInterval = 50 * time.Millisecond

// instance is one worker process serving one function configuration, one
// invocation at a time.
type instance struct {
	cmd         *exec.Cmd
	pid         int
	reqW        *os.File      // parent end of the worker's fd 3
	resp        *bufio.Reader // parent end of the worker's fd 4
	respR       *os.File
	logs        *logCapture
	exited      chan struct{} // closed once the process is reaped
	nonce       string
	seq         int
	initialized bool
	lastUsed    time.Time
	killOnce    sync.Once

	// Custom runtimes: the instance's HTTP server on 127.0.0.1:port, and
	// the pool's end of the log pipe (markW) for cutting invocations.
	port      int
	client    *http.Client
	transport *http.Transport
	markW     *os.File
	markOnce  sync.Once
	ready     bool     // its port accepted (and its health check passed)
	tmpl      *Request // the configuration it runs, for lifecycle hooks
}

// frameHeader is the JSON header of a request frame.
type frameHeader struct {
	Type      string     `json:"type"` // "init" or "invoke"
	Marker    string     `json:"marker"`
	RequestID string     `json:"requestId"`
	AccountID string     `json:"accountId"`
	Function  fnInfo     `json:"function"`
	Service   svcInfo    `json:"service"`
	HTTP      *httpFrame `json:"http,omitempty"`
}

type fnInfo struct {
	Name                  string `json:"name"`
	Handler               string `json:"handler"`
	Memory                int32  `json:"memory"`
	Timeout               int32  `json:"timeout"`
	Initializer           string `json:"initializer"`
	InitializationTimeout int32  `json:"initializationTimeout"`
}

type svcInfo struct {
	Name      string `json:"name"`
	Qualifier string `json:"qualifier"`
	VersionID string `json:"versionId"`
}

type httpFrame struct {
	Method   string              `json:"method"`
	Path     string              `json:"path"`
	RawQuery string              `json:"rawQuery"`
	Header   map[string][]string `json:"header"`
	ClientIP string              `json:"clientIP"`
}

// respHeader is the JSON header of a response frame.
type respHeader struct {
	Status string `json:"status"` // "ok", "handled" or "unhandled"
	Fatal  bool   `json:"fatal"`  // the worker cannot serve further requests
	HTTP   *struct {
		Status int                 `json:"status"`
		Header map[string][]string `json:"header"`
	} `json:"http"`
}

// outcome says how an exchange with a worker ended when it did not answer.
type outcome int

const (
	answered outcome = iota
	timedOut
	outOfMemory
	crashed
)

type exchangeResult struct {
	outcome    outcome
	header     respHeader
	status     int         // custom runtimes: HTTP status
	httpHeader http.Header // custom runtimes: response header
	body       []byte
	logs       []byte
	exit       string // how the process ended, for crashes
}

// procSpec is how to start an instance's process.
type procSpec struct {
	path string
	args []string
	dir  string
	env  []string
	// frames gives the process the fd 3/4 protocol of our workers;
	// otherwise it is a custom runtime driven over HTTP on port.
	frames bool
	port   int
}

func startInstance(spec procSpec, nonce string, onOutput func([]byte)) (*instance, error) {
	var reqR, reqW, respR, respW *os.File
	closeAll := func(fs ...*os.File) {
		for _, f := range fs {
			if f != nil {
				f.Close()
			}
		}
	}
	if spec.frames {
		var err error
		if reqR, reqW, err = os.Pipe(); err != nil {
			return nil, err
		}
		if respR, respW, err = os.Pipe(); err != nil {
			closeAll(reqR, reqW)
			return nil, err
		}
	}
	logR, logW, err := os.Pipe()
	if err != nil {
		closeAll(reqR, reqW, respR, respW)
		return nil, err
	}
	cmd := exec.Command(spec.path, spec.args...)
	cmd.Dir = spec.dir
	cmd.Env = spec.env
	cmd.Stdout = logW
	cmd.Stderr = logW
	if spec.frames {
		cmd.ExtraFiles = []*os.File{reqR, respW} // fds 3 and 4
	}
	ownProcessGroup(cmd)
	err = cmd.Start()
	// The child holds its ends now; the parent must not, or EOF never comes.
	closeAll(reqR, respW)
	var markW *os.File
	if spec.frames || err != nil {
		logW.Close()
	} else {
		// A custom runtime cannot mark the end of an invocation's output, so
		// the pool keeps the write end and writes the marker itself once the
		// answer is in: the pipe is FIFO, so everything the process wrote
		// before answering comes before it. kill closes it.
		markW = logW
	}
	if err != nil {
		closeAll(reqW, respR, logR)
		return nil, err
	}
	in := &instance{
		cmd:    cmd,
		pid:    cmd.Process.Pid,
		reqW:   reqW,
		respR:  respR,
		markW:  markW,
		port:   spec.port,
		logs:   &logCapture{onLine: onOutput},
		exited: make(chan struct{}),
		nonce:  nonce,
	}
	if respR != nil {
		in.resp = bufio.NewReaderSize(respR, 64<<10)
	}
	if spec.port != 0 {
		in.transport = &http.Transport{
			Proxy:               nil, // never the server's proxy settings
			DisableCompression:  true,
			MaxIdleConnsPerHost: 1,
		}
		in.client = &http.Client{
			Transport: in.transport,
			// Redirects belong to the caller of an HTTP trigger.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	go func() {
		in.logs.run(logR)
		logR.Close()
	}()
	go func() {
		_ = cmd.Wait()
		close(in.exited)
	}()
	return in, nil
}

// kill stops the whole process group and waits until the worker is reaped.
// It is safe to call more than once: the group is signalled once only,
// as its id could be reused after the group is gone.
func (in *instance) kill() {
	in.killOnce.Do(func() {
		killGroup(in.cmd)
		if in.reqW != nil {
			in.reqW.Close()
		}
	})
	select {
	case <-in.exited:
	case <-time.After(5 * time.Second):
	}
	if in.respR != nil {
		in.respR.Close()
	}
	if in.transport != nil {
		in.transport.CloseIdleConnections()
	}
	in.markOnce.Do(func() {
		if in.markW != nil {
			in.markW.Close() // the log reader sees EOF now that the group is gone
		}
	})
}

// exitDescription says how the process ended, or what failed when it is
// still running.
func (in *instance) exitDescription(otherwise string) string {
	select {
	case <-in.exited:
		if st := in.cmd.ProcessState; st != nil {
			return st.String()
		}
	case <-time.After(200 * time.Millisecond):
	}
	return otherwise
}

func (in *instance) hasExited() bool {
	select {
	case <-in.exited:
		return true
	default:
		return false
	}
}

// reply is what an instance answered: a frame from our workers, an HTTP
// response from a custom runtime.
type reply struct {
	h      respHeader
	status int
	header http.Header
	body   []byte
	err    error
}

// exchange sends one frame and waits for the answer, the timeout, the memory
// limit or the caller's cancellation. On anything but an answer the
// instance is killed and must be discarded.
func (in *instance) exchange(ctx context.Context, h frameHeader, body []byte, timeout time.Duration, memoryMB int32) (exchangeResult, error) {
	h.Marker = in.nextMarker()
	return in.await(ctx, h.Marker, timeout, memoryMB, func(context.Context) reply {
		var a reply
		if a.err = in.writeFrame(h, body); a.err == nil {
			a.h, a.body, a.err = in.readFrame()
		}
		return a
	})
}

func (in *instance) nextMarker() string {
	in.seq++
	return "\x00fc-end-" + in.nonce + "-" + strconv.Itoa(in.seq) + "\x00"
}

// await runs send (which talks to the instance) and waits for its reply,
// the timeout, the memory limit or the caller's cancellation, cutting the
// instance's output at marker. On anything but a reply the instance is
// killed and must be discarded. send's context ends when await returns.
func (in *instance) await(ctx context.Context, marker string, timeout time.Duration, memoryMB int32, send func(context.Context) reply) (exchangeResult, error) {
	logsCh := in.logs.begin(marker)
	sendCtx, cancel := context.WithCancel(context.Background())
	defer cancel()
	answers := make(chan reply, 1)
	go func() { answers <- send(sendCtx) }()

	timer := time.NewTimer(timeout)
	defer timer.Stop()
	poll := time.NewTicker(memoryPollInterval)
	defer poll.Stop()
	limitKB := int64(memoryMB) << 10
	for {
		select {
		case a := <-answers:
			if a.err != nil {
				exit := in.exitDescription("closed its protocol pipe")
				if in.port != 0 && !in.hasExited() {
					exit = a.err.Error()
				}
				in.kill()
				return exchangeResult{outcome: crashed, logs: in.collectLogs(logsCh), exit: exit}, nil
			}
			if in.markW != nil {
				_, _ = in.markW.Write([]byte(marker))
			}
			logs := in.collectLogs(logsCh)
			// The peak catches allocations made and freed between polls.
			if _, hwm := memoryKB(in.pid); hwm > limitKB {
				in.kill()
				return exchangeResult{outcome: outOfMemory, logs: logs}, nil
			}
			return exchangeResult{outcome: answered, header: a.h, status: a.status, httpHeader: a.header, body: a.body, logs: logs}, nil
		case <-timer.C:
			in.kill()
			return exchangeResult{outcome: timedOut, logs: in.logs.abandon()}, nil
		case <-poll.C:
			if rss, _ := memoryKB(in.pid); rss > limitKB {
				in.kill()
				return exchangeResult{outcome: outOfMemory, logs: in.logs.abandon()}, nil
			}
		case <-ctx.Done():
			in.kill()
			in.logs.abandon()
			return exchangeResult{}, ctx.Err()
		}
	}
}

// collectLogs waits briefly for the invocation's end marker to come through
// the log pipe; the worker wrote it before answering, so this is quick.
func (in *instance) collectLogs(ch chan []byte) []byte {
	select {
	case b := <-ch:
		return b
	case <-time.After(500 * time.Millisecond):
		return in.logs.abandon()
	}
}

func (in *instance) writeFrame(h frameHeader, body []byte) error {
	hb, err := json.Marshal(h)
	if err != nil {
		return err
	}
	buf := make([]byte, 8, 8+len(hb)+len(body))
	binary.BigEndian.PutUint32(buf[0:4], uint32(len(hb)))
	binary.BigEndian.PutUint32(buf[4:8], uint32(len(body)))
	buf = append(buf, hb...)
	buf = append(buf, body...)
	_, err = in.reqW.Write(buf)
	return err
}

func (in *instance) readFrame() (respHeader, []byte, error) {
	var pre [8]byte
	if _, err := io.ReadFull(in.resp, pre[:]); err != nil {
		return respHeader{}, nil, err
	}
	hl, bl := binary.BigEndian.Uint32(pre[0:4]), binary.BigEndian.Uint32(pre[4:8])
	if hl > maxFrame || bl > maxFrame {
		return respHeader{}, nil, fmt.Errorf("worker sent a frame of %d+%d bytes", hl, bl)
	}
	buf := make([]byte, int(hl)+int(bl))
	if _, err := io.ReadFull(in.resp, buf); err != nil {
		return respHeader{}, nil, err
	}
	var h respHeader
	if err := json.Unmarshal(buf[:hl], &h); err != nil {
		return respHeader{}, nil, fmt.Errorf("worker sent a bad header: %w", err)
	}
	return h, buf[hl:], nil
}

// memoryKB reads the resident set size and its peak of a process, in KB;
// zeros when the process is gone.
func memoryKB(pid int) (rss, hwm int64) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, 0
	}
	for _, line := range bytes.Split(b, []byte("\n")) {
		switch {
		case bytes.HasPrefix(line, []byte("VmRSS:")):
			rss = parseKB(line[len("VmRSS:"):])
		case bytes.HasPrefix(line, []byte("VmHWM:")):
			hwm = parseKB(line[len("VmHWM:"):])
		}
	}
	return rss, hwm
}

func parseKB(b []byte) int64 {
	f := bytes.Fields(b)
	if len(f) == 0 {
		return 0
	}
	n, _ := strconv.ParseInt(string(f[0]), 10, 64)
	return n
}

// ErrClosed is returned by Invoke after Close.
var ErrClosed = errors.New("runtime pool is closed")
