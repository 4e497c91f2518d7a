package localfc

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/localfc/runtime"
	"github.com/fcdeploy/fcdeploy/localfc/store"
)

// Files of a data directory.
const (
	StoreFileName       = "fc.db"            // the bbolt store
	CredentialsFileName = "credentials.json" // the key pair, mode 0600
	ServerInfoFileName  = "server.json"      // written by a running serve, mode 0600
)

type credentialsFile struct {
	AccessKeyID     string `json:"accessKeyId"`
	AccessKeySecret string `json:"accessKeySecret"`
	// Accounts the key may use; AnyAccount for all. Files written before
	// keys were bound have none and mean all: the pair is the data
	// directory owner's (mode 0600), as every fcdeploy command uses it.
	Accounts []string `json:"accounts,omitempty"`
}

// DataDirKeyAccounts is what the data directory's own key pair may use.
func DataDirKeyAccounts(creds fc.Credentials, accounts []string) map[string][]string {
	if len(accounts) == 0 {
		accounts = []string{AnyAccount}
	}
	return map[string][]string{creds.AccessKeyID: accounts}
}

// LoadOrCreateKeys returns the data directory's key pair, creating it once
// (crypto/rand, file mode 0600). created says this call made it, so the
// caller may show the secret this one time.
func LoadOrCreateKeys(dataDir string) (creds fc.Credentials, created bool, err error) {
	path := filepath.Join(dataDir, CredentialsFileName)
	if c, err := readKeys(path); err == nil {
		return c, false, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fc.Credentials{}, false, err
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return fc.Credentials{}, false, fmt.Errorf("data dir %s: %w", dataDir, err)
	}
	c := fc.Credentials{AccessKeyID: "LOCAL" + strings.ToUpper(randomHex(8)), AccessKeySecret: randomHex(20)}
	data, _ := json.MarshalIndent(credentialsFile{c.AccessKeyID, c.AccessKeySecret, []string{AnyAccount}}, "", "  ")
	tmp, err := writeTemp(dataDir, CredentialsFileName, data)
	if err != nil {
		return fc.Credentials{}, false, err
	}
	defer os.Remove(tmp)
	// Link fails if another process created the file first: then its keys win.
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			c, err := readKeys(path)
			return c, false, err
		}
		return fc.Credentials{}, false, fmt.Errorf("credentials %s: %w", path, err)
	}
	return c, true, nil
}

// LoadKeyAccounts is the accounts that the data directory's key pair may use,
// as its credentials file records them.
func LoadKeyAccounts(dataDir string) (map[string][]string, error) {
	data, err := os.ReadFile(filepath.Join(dataDir, CredentialsFileName))
	if err != nil {
		return nil, fmt.Errorf("credentials: %w", err)
	}
	var f credentialsFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("credentials %s: %w", filepath.Join(dataDir, CredentialsFileName), err)
	}
	for _, a := range f.Accounts {
		if a == AnyAccount {
			continue
		}
		if err := ValidateAccountID(a); err != nil {
			return nil, fmt.Errorf("credentials %s: accounts: %w", filepath.Join(dataDir, CredentialsFileName), err)
		}
	}
	return DataDirKeyAccounts(fc.Credentials{AccessKeyID: f.AccessKeyID}, f.Accounts), nil
}

func readKeys(path string) (fc.Credentials, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return fc.Credentials{}, fmt.Errorf("credentials %s: %w", path, err)
	}
	var f credentialsFile
	if err := json.Unmarshal(data, &f); err != nil || f.AccessKeyID == "" || f.AccessKeySecret == "" {
		return fc.Credentials{}, fmt.Errorf("credentials %s: not a key pair file (accessKeyId, accessKeySecret); remove it to create a new pair", path)
	}
	return fc.Credentials{AccessKeyID: f.AccessKeyID, AccessKeySecret: f.AccessKeySecret}, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// writeTemp writes data to a new 0600 file in dir and returns its path.
func writeTemp(dir, name string, data []byte) (string, error) {
	f, err := os.CreateTemp(dir, "."+name+".*")
	if err != nil {
		return "", fmt.Errorf("data dir %s: %w", dir, err)
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o600)
	}
	if err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("data dir %s: write %s: %w", dir, name, err)
	}
	return f.Name(), nil
}

// ServerInfo is the discovery file a running `fcdeploy serve` writes, so
// other commands on the same data directory talk to it.
type ServerInfo struct {
	URL       string `json:"url"`
	PID       int    `json:"pid"`
	AccountID string `json:"accountId"`
}

// WriteServerInfo records that this process serves dataDir at url.
func WriteServerInfo(dataDir, url string) error {
	data, _ := json.MarshalIndent(ServerInfo{URL: url, PID: os.Getpid(), AccountID: DefaultAccountID}, "", "  ")
	tmp, err := writeTemp(dataDir, ServerInfoFileName, data)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(dataDir, ServerInfoFileName)); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("data dir %s: %w", dataDir, err)
	}
	return nil
}

// RemoveServerInfo removes the discovery file if this process wrote it.
func RemoveServerInfo(dataDir string) error {
	info, err := ReadServerInfo(dataDir)
	if err != nil || info.PID != os.Getpid() {
		return nil
	}
	if err := os.Remove(filepath.Join(dataDir, ServerInfoFileName)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("data dir %s: %w", dataDir, err)
	}
	return nil
}

// ReadServerInfo reads the discovery file.
func ReadServerInfo(dataDir string) (ServerInfo, error) {
	path := filepath.Join(dataDir, ServerInfoFileName)
	data, err := os.ReadFile(path)
	if err != nil {
		return ServerInfo{}, fmt.Errorf("server info %s: %w", path, err)
	}
	var info ServerInfo
	if err := json.Unmarshal(data, &info); err != nil {
		return ServerInfo{}, fmt.Errorf("server info %s: %w", path, err)
	}
	return info, nil
}

// liveServer returns the server named by server.json if its process is
// alive and it answers HTTP; a stale file (kill -9) is ignored. The probe
// is signed with the data directory's keys, so the server answers it like
// any request instead of logging a refused (403) one.
func liveServer(ctx context.Context, dataDir string, creds fc.Credentials) (ServerInfo, bool) {
	info, err := ReadServerInfo(dataDir)
	if err != nil || info.URL == "" || info.PID <= 0 || !pidAlive(info.PID) {
		return ServerInfo{}, false
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, info.URL+apiPrefix+"services?limit=1", nil)
	if err != nil {
		return ServerInfo{}, false
	}
	req.Header.Set(fc.HeaderAccountID, probeAccount(dataDir, creds))
	fc.SignRequest(req, creds, time.Now())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return ServerInfo{}, false
	}
	resp.Body.Close()
	// Any answer from a local Function Compute carries a request id.
	return info, resp.Header.Get(fc.HeaderRequestID) != ""
}

// probeAccount is an account the data directory's key may use: the
// default one unless its credentials file binds it to others.
func probeAccount(dataDir string, creds fc.Credentials) string {
	bound, err := LoadKeyAccounts(dataDir)
	if err != nil {
		return DefaultAccountID
	}
	accounts := bound[creds.AccessKeyID]
	if len(accounts) == 0 || slices.Contains(accounts, AnyAccount) || slices.Contains(accounts, DefaultAccountID) {
		return DefaultAccountID
	}
	return accounts[0]
}

func pidAlive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	err = p.Signal(syscall.Signal(0))
	return err == nil || errors.Is(err, syscall.EPERM)
}

// Target is a local Function Compute a command can talk to.
type Target struct {
	Endpoint    string
	AccountID   string
	Region      string
	Credentials fc.Credentials
	// Embedded is true when this process serves the store itself.
	Embedded bool
	close    func() error
}

// Close stops the embedded server and closes its store; for a running
// `fcdeploy serve` it does nothing.
func (t *Target) Close() error {
	if t.close == nil {
		return nil
	}
	c := t.close
	t.close = nil
	return c()
}

// Connect finds the local Function Compute of dataDir: the running
// `fcdeploy serve` named by server.json if it answers, else the store
// opened in this process and served on 127.0.0.1:0 until Close.
func Connect(ctx context.Context, dataDir string) (*Target, error) {
	creds, _, err := LoadOrCreateKeys(dataDir)
	if err != nil {
		return nil, err
	}
	t := &Target{AccountID: DefaultAccountID, Region: DefaultRegion, Credentials: creds}
	if info, ok := liveServer(ctx, dataDir, creds); ok {
		t.Endpoint = info.URL
		return t, nil
	}
	dbPath := filepath.Join(dataDir, StoreFileName)
	st, err := store.Open(dbPath)
	if errors.Is(err, store.ErrLocked) {
		// A serve may have opened the store just now; give it its chance.
		if info, ok := liveServer(ctx, dataDir, creds); ok {
			t.Endpoint = info.URL
			return t, nil
		}
		return nil, fmt.Errorf("local Function Compute %s: the data file is in use by another process and no `fcdeploy serve` answers for it; stop that process or use another data directory: %w", dbPath, err)
	}
	if err != nil {
		return nil, fmt.Errorf("local Function Compute %s: %w", dbPath, err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("local Function Compute: listen on 127.0.0.1: %w", err)
	}
	pool, err := NewRuntimePool(dataDir, nil, 0)
	if err != nil {
		ln.Close()
		st.Close()
		return nil, err
	}
	// A server living for one command keeps no provisioned instances:
	// starting every provision config's instances would outlast the
	// command's own work.
	handler := New(Config{Store: st, Credentials: map[string]string{creds.AccessKeyID: creds.AccessKeySecret}, KeyAccounts: DataDirKeyAccounts(creds, nil), Runtime: pool, Logs: NewInvocationLogs(dataDir), NoProvisioning: true})
	stopBackground := handler.StartBackground()
	srv := NewHTTPServer(handler, nil)
	go srv.Serve(ln)
	t.Endpoint = "http://" + ln.Addr().String()
	t.Embedded = true
	t.close = func() error {
		// The command's own requests are done by now. Shutdown waits up to
		// 5s for connections that were dialled but never used (StateNew), so
		// after a short grace the rest are simply closed.
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		serr := srv.Shutdown(ctx)
		if errors.Is(serr, context.DeadlineExceeded) {
			serr = srv.Close()
		}
		stopBackground()
		perr := pool.Close()
		cerr := st.Close()
		return errors.Join(serr, perr, cerr)
	}
	return t, nil
}

// DefaultDataDir is $FCDEPLOY_HOME, else ~/.local/share/fcdeploy: where the
// embedded local Function Compute and `fcdeploy serve` keep their data.
func DefaultDataDir() (string, error) {
	if d := os.Getenv("FCDEPLOY_HOME"); d != "" {
		return d, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("data dir: no $FCDEPLOY_HOME and no home directory: %w", err)
	}
	return filepath.Join(home, ".local", "share", "fcdeploy"), nil
}

// CodeCacheDir is where a data directory keeps unpacked function code.
const CodeCacheDir = "code-cache"

// NewRuntimePool returns the pool that runs the functions of a data
// directory, unpacking code under DATA/code-cache. logger receives the
// functions' output (nil: discarded). maxProvisioned caps the instances a
// provision config keeps (0: the pool's default; see Config.NoProvisioning).
func NewRuntimePool(dataDir string, logger *slog.Logger, maxProvisioned int) (*runtime.Pool, error) {
	cfg := runtime.Config{CacheDir: filepath.Join(dataDir, CodeCacheDir), Logger: logger, MaxProvisionedPerFunction: maxProvisioned}
	// Provisioned instances count among a function's instances: room is
	// left for at least as many on-demand ones.
	cfg.MaxInstancesPerFunction = max(runtime.DefaultMaxInstancesPerFunction, 2*maxProvisioned)
	pool, err := runtime.NewPool(cfg)
	if err != nil {
		return nil, fmt.Errorf("local Function Compute %s: function runtimes: %w", dataDir, err)
	}
	return pool, nil
}

// NewHTTPServer serves h with the limits a server facing other processes
// needs: a slow or stalled client cannot hold a connection (or a goroutine)
// forever, and headers are bounded. Write has no deadline of its own, since a
// synchronous invocation may run for the function's whole timeout.
func NewHTTPServer(h http.Handler, logger *slog.Logger) *http.Server {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		// A 50 MB zip over a slow link still arrives; a client that stops
		// sending does not keep the request open.
		ReadTimeout:    5 * time.Minute,
		IdleTimeout:    2 * time.Minute,
		MaxHeaderBytes: 64 << 10,
	}
	if logger != nil {
		srv.ErrorLog = slog.NewLogLogger(logger.Handler(), slog.LevelWarn)
	}
	return srv
}
