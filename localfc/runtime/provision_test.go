package runtime

import (
	"context"
	"testing"
	"time"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func provisionedFn(t *testing.T) Request {
	req := fn(t, "python3", "index.handler", py(`import os
inits = 0
def init(context):
    global inits
    inits += 1
def handler(event, context):
    if event == b'crash':
        os._exit(1)
    return '%d:%d' % (os.getpid(), inits)
`))
	req.Initializer = "index.init"
	req.Qualifier, req.VersionID = "live", "1"
	return req
}

func TestProvisionStartsAndInitializesInstancesBeforeAnyInvocation(t *testing.T) {
	t.Parallel()
	needInterpreter(t, "python3")
	p := newPool(t, Config{MaxProvisionedPerFunction: 2})
	req := provisionedFn(t)
	n, err := p.Provision(context.Background(), req, 5)
	require.NoError(t, err)
	assert.Equal(t, 2, n, "capped by MaxProvisionedPerFunction")
	assert.Equal(t, Stats{Instances: 2, Idle: 2}, p.Stats())
	assert.Equal(t, 2, p.ProvisionedInstances("111111", "svc", "live", "fn"))

	res := invoke(t, p, req)
	require.Empty(t, res.ErrorType, "body %s", res.Body)
	assert.Regexp(t, `^\d+:1$`, string(res.Body), "the instance was initialized once, before the invocation")
	assert.Equal(t, 2, p.Stats().Instances, "the invocation used a provisioned instance")
}

func TestTheReaperLeavesProvisionedInstancesUntilReleased(t *testing.T) {
	t.Parallel()
	needInterpreter(t, "python3")
	p := newPool(t, Config{})
	req := provisionedFn(t)
	_, err := p.Provision(context.Background(), req, 1)
	require.NoError(t, err)
	later := time.Now().Add(time.Hour)
	p.reapIdle(later)
	assert.Equal(t, 1, p.Stats().Instances)

	n, err := p.Provision(context.Background(), req, 0)
	require.NoError(t, err)
	assert.Zero(t, n)
	p.reapIdle(later)
	assert.Zero(t, p.Stats().Instances, "released instances are ordinary idle ones")
}

func TestALostProvisionedInstanceIsReplaced(t *testing.T) {
	t.Parallel()
	needInterpreter(t, "python3")
	p := newPool(t, Config{})
	req := provisionedFn(t)
	_, err := p.Provision(context.Background(), req, 1)
	require.NoError(t, err)
	req.Event = []byte("crash")
	assert.Equal(t, fc.UnhandledInvocationError, invoke(t, p, req).ErrorType)
	require.Eventually(t, func() bool { return p.Stats().Idle == 1 }, 10*time.Second, 10*time.Millisecond)
	assert.Equal(t, 1, p.ProvisionedInstances("111111", "svc", "live", "fn"))
}

func TestProvisioningANewConfigurationReleasesTheOldOne(t *testing.T) {
	t.Parallel()
	needInterpreter(t, "python3")
	p := newPool(t, Config{})
	v1 := provisionedFn(t)
	_, err := p.Provision(context.Background(), v1, 2)
	require.NoError(t, err)
	v2 := v1
	v2.VersionID = "2" // the alias moved
	_, err = p.Provision(context.Background(), v2, 1)
	require.NoError(t, err)
	p.reapIdle(time.Now().Add(time.Hour))
	assert.Equal(t, 1, p.Stats().Instances)
	assert.Equal(t, 1, p.ProvisionedInstances("111111", "svc", "live", "fn"))
}

func TestAProvisionedInstanceWhoseInitializerFailsIsAProvisionError(t *testing.T) {
	t.Parallel()
	needInterpreter(t, "python3")
	p := newPool(t, Config{})
	req := fn(t, "python3", "index.handler", py("def init(c):\n    raise RuntimeError('no database')\ndef handler(e, c):\n    return 'x'\n"))
	req.Initializer = "index.init"
	n, err := p.Provision(context.Background(), req, 1)
	assert.Zero(t, n)
	var pe *ProvisionError
	require.ErrorAs(t, err, &pe)
	assert.Contains(t, err.Error(), "no database")
	assert.Zero(t, p.Stats().Instances)
}

func TestUnprovisionReleasesAFunctionsInstancesWithoutItsConfiguration(t *testing.T) {
	t.Parallel()
	needInterpreter(t, "python3")
	p := newPool(t, Config{})
	req := provisionedFn(t)
	_, err := p.Provision(context.Background(), req, 1)
	require.NoError(t, err)
	require.Equal(t, 1, p.ProvisionedInstances("111111", "svc", "live", "fn"))

	p.Unprovision("111111", "svc", "live", "fn")
	assert.Zero(t, p.ProvisionedInstances("111111", "svc", "live", "fn"))
	p.reapIdle(time.Now().Add(time.Hour))
	assert.Zero(t, p.Stats().Instances, "released instances are ordinary idle ones")
}
