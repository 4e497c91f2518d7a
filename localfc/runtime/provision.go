package runtime

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/fcdeploy/fcdeploy/fc"
)

// Provision keeps up to n instances of req's function configuration
// started, listening and initialized (provisioned instances): the idle
// reaper leaves them, and one lost to a crash or a timeout is replaced.
// n is capped by Config.MaxProvisionedPerFunction; 0 releases them (they
// become ordinary idle instances). A function has one provision slot per
// account, service, qualifier and function: provisioning a new
// configuration (an alias moved to another version) releases the previous
// one. Provision returns how many provisioned instances run; an error
// says why no more could be started (an UnhandledInvocationError of the
// initializer is a *ProvisionError).
func (p *Pool) Provision(ctx context.Context, req Request, n int) (int, error) {
	subject := "function " + req.Service + "/" + req.Function
	if n < 0 {
		return 0, fmt.Errorf("%s: provision target %d is negative", subject, n)
	}
	n = min(n, p.cfg.MaxProvisionedPerFunction)
	l, err := p.prepare(&req)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", subject, err)
	}
	g, err := p.group(l)
	p.unpin(l) // the group holds the cache entries now
	if err != nil {
		return 0, fmt.Errorf("%s: %w", subject, err)
	}
	defer p.unref(g)
	slot := slotOf(&req)
	p.mu.Lock()
	if old := p.provisions[slot]; old != nil && old != g {
		old.provisioned = 0
		p.dropIfUnused(old)
	}
	g.provisioned = n
	if n > 0 {
		p.provisions[slot] = g
	} else if p.provisions[slot] == g {
		delete(p.provisions, slot)
	}
	p.mu.Unlock()
	have, err := p.fill(ctx, g)
	if err != nil {
		return have, fmt.Errorf("%s: %w", subject, err)
	}
	return have, nil
}

// ProvisionedInstances is how many provisioned instances of a function run
// (a provision config's "current").
func (p *Pool) ProvisionedInstances(account, service, qualifier, function string) int {
	req := Request{AccountID: account, Service: service, Qualifier: qualifier, Function: function}
	p.mu.Lock()
	defer p.mu.Unlock()
	g := p.provisions[slotOf(&req)]
	if g == nil {
		return 0
	}
	return min(len(g.live), g.provisioned)
}

// ProvisionError is an instance that Provision started but that failed to
// get ready or to initialize; Result is what an invocation would have seen.
type ProvisionError struct {
	Result *Result
}

func (e *ProvisionError) Error() string {
	return "a provisioned instance failed to start: " + string(e.Result.Body)
}

func slotOf(req *Request) string {
	return strings.Join([]string{req.AccountID, req.Service, qualifierOf(req), req.Function}, "\x00")
}

// fill starts instances of g until it has g.provisioned, and returns how
// many provisioned instances it has. The caller holds a reference to g.
func (p *Pool) fill(ctx context.Context, g *group) (int, error) {
	for {
		p.mu.Lock()
		have, target, stopped := len(g.live), g.provisioned, p.closed || g.retired
		p.mu.Unlock()
		if stopped || have >= target {
			return min(have, target), nil
		}
		select {
		case g.sem <- struct{}{}:
		case <-ctx.Done():
			return min(have, target), ctx.Err()
		}
		p.mu.Lock()
		if len(g.live) >= g.provisioned {
			// Someone else started one while this waited for a slot.
			p.mu.Unlock()
			<-g.sem
			continue
		}
		g.refs++ // held by the new instance until release, like an invocation
		p.mu.Unlock()
		in, err := p.startIn(g, g.launch)
		var sf *startFailure
		if errors.As(err, &sf) {
			return min(have, target), &ProvisionError{Result: &Result{Body: errorJSON(sf.msg, sf.typ), ErrorType: fc.UnhandledInvocationError}}
		}
		if err != nil {
			return min(have, target), err
		}
		if err := p.warm(ctx, g, in); err != nil {
			return min(have, target), err
		}
		p.release(g, in, true)
	}
}

// warm makes a fresh instance ready for its first invocation; on failure
// the instance is stopped and not replaced (that would loop).
func (p *Pool) warm(ctx context.Context, g *group, in *instance) error {
	req := g.launch.req
	var id [6]byte
	_, _ = rand.Read(id[:])
	req.RequestID = "provision-" + hex.EncodeToString(id[:])
	var failure *Result
	var err error
	if in.port != 0 {
		_, failure, err = p.readyCustom(ctx, &req, in)
	} else {
		_, failure, err = p.initWorker(ctx, &req, in)
	}
	if err != nil || failure != nil {
		p.mu.Lock()
		delete(g.live, in)
		g.refs--
		p.dropIfUnused(g)
		p.mu.Unlock()
		<-g.sem
		in.kill()
		if err != nil {
			return err
		}
		return &ProvisionError{Result: failure}
	}
	return nil
}

// Unprovision releases the provisioned instances of a function as of a
// qualifier (its provision config is gone): they become ordinary idle
// instances, which the reaper stops in time. It needs no Request, since
// the function may be gone too.
func (p *Pool) Unprovision(account, service, qualifier, function string) {
	req := Request{AccountID: account, Service: service, Qualifier: qualifier, Function: function}
	slot := slotOf(&req)
	p.mu.Lock()
	defer p.mu.Unlock()
	if g := p.provisions[slot]; g != nil {
		g.provisioned = 0
		delete(p.provisions, slot)
		p.dropIfUnused(g)
	}
}
