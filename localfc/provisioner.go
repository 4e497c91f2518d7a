package localfc

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/fcdeploy/fcdeploy/localfc/store"
)

// Provisioned instances: each stored provision config keeps
// min(target, the pool's cap) instances of what its alias points at
// started and initialized in the runtime pool. A Put starts them before it
// answers; the provision loop (StartBackground) starts those of stored
// configs when the server starts, follows aliases that moved, retries
// failures and releases the instances of configs that are gone (target 0,
// or dropped with their alias, function or service).

// provisionLoopEvery is how often the loop compares configs and instances.
const provisionLoopEvery = 15 * time.Second

func provisionSlot(ref store.ProvisionRef) string {
	return strings.Join([]string{ref.AccountID, ref.ServiceName, ref.Alias, ref.FunctionName}, "\x00")
}

// currentProvisioned is a provision config's current: instances running.
func (s *Server) currentProvisioned(account, service, alias, function string) int64 {
	if s.runtime == nil || s.noProvision {
		return 0
	}
	return int64(s.runtime.ProvisionedInstances(account, service, alias, function))
}

// provisionNow brings one config's instances to its target, serialized
// with the loop.
func (s *Server) provisionNow(ctx context.Context, ref store.ProvisionRef) {
	if s.runtime == nil || s.noProvision {
		return
	}
	s.provMu.Lock()
	defer s.provMu.Unlock()
	s.provisionLocked(ctx, ref)
}

// provisionLocked provisions ref unless what it provisioned last (the
// alias's version and the target) is what ref asks for; the caller holds
// provMu. A config is done once it succeeded, since the pool replaces
// lost instances itself.
func (s *Server) provisionLocked(ctx context.Context, ref store.ProvisionRef) {
	slot := provisionSlot(ref)
	fail := func(err error) {
		// The loop retries every tick: a failure is logged when it changes.
		if msg := err.Error(); s.provFailed[slot] != msg {
			s.provFailed[slot] = msg
			s.log.Warn("provisioned instances not started", slog.String("service", ref.ServiceName),
				slog.String("alias", ref.Alias), slog.String("function", ref.FunctionName), slog.String("error", msg))
		}
	}
	if ref.Target <= 0 {
		s.runtime.Unprovision(ref.AccountID, ref.ServiceName, ref.Alias, ref.FunctionName)
		delete(s.provisioned, slot)
		delete(s.provFailed, slot)
		return
	}
	// The alias is read first: it is cheap, and unless it moved or the
	// target changed there is nothing to do.
	alias, err := s.store.GetAlias(ctx, ref.AccountID, ref.ServiceName, ref.Alias)
	if err != nil {
		fail(err)
		return
	}
	mark := alias.VersionID + "\x00" + strconv.FormatInt(ref.Target, 10)
	if s.provisioned[slot] == mark {
		return
	}
	// Provision configs keep instances of the alias's main version; its
	// additional version (a traffic split) starts on demand.
	resolved, code, err := s.store.ResolveFunction(ctx, ref.AccountID, ref.ServiceName, alias.VersionID, ref.FunctionName)
	if err != nil {
		fail(err)
		return
	}
	resolved.AdditionalVersionID, resolved.AdditionalWeight = "", 0
	subject := "function " + ref.ServiceName + "." + ref.Alias + "/" + ref.FunctionName
	req, names, err := s.runtimeRequest(ctx, ref.AccountID, ref.ServiceName, ref.Alias, ref.FunctionName, resolved, code)
	if err == nil {
		_, err = s.runtime.Provision(ctx, req, int(min(ref.Target, 1<<20)))
		if err != nil {
			err = runtimeError(subject, names, err)
		}
	}
	if err != nil {
		fail(err)
		return
	}
	s.provisioned[slot] = mark
	delete(s.provFailed, slot)
}

// reconcileProvisioned provisions every stored config and releases the
// instances of configs that are gone.
func (s *Server) reconcileProvisioned(ctx context.Context) {
	if s.runtime == nil || s.noProvision {
		return
	}
	refs, err := s.store.AllProvisionConfigs(ctx)
	if err != nil {
		if ctx.Err() == nil {
			s.log.Error("provision configs", slog.String("error", err.Error()))
		}
		return
	}
	s.provMu.Lock()
	defer s.provMu.Unlock()
	want := make(map[string]bool, len(refs))
	for _, ref := range refs {
		if ctx.Err() != nil {
			return
		}
		want[provisionSlot(ref)] = true
		s.provisionLocked(ctx, ref)
	}
	for slot := range s.provisioned {
		if !want[slot] {
			p := strings.Split(slot, "\x00")
			s.runtime.Unprovision(p[0], p[1], p[2], p[3])
			delete(s.provisioned, slot)
		}
	}
	for slot := range s.provFailed {
		if !want[slot] {
			delete(s.provFailed, slot)
		}
	}
}

// provisionLoop reconciles at start, when woken and every
// provisionLoopEvery.
func (s *Server) provisionLoop(ctx context.Context) {
	t := time.NewTicker(provisionLoopEvery)
	defer t.Stop()
	for {
		s.reconcileProvisioned(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.provWake:
		}
	}
}

// wakeProvision asks the loop to reconcile soon (an alias moved).
func (s *Server) wakeProvision() {
	select {
	case s.provWake <- struct{}{}:
	default:
	}
}
