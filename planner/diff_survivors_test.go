package planner

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
)

func TestAServiceDeclaredTwiceIsRefusedAndTwoServicesOfDistinctNamesArePlanned(t *testing.T) {
	d := shopDesired()
	d.Services = append(d.Services, d.Services[0])
	_, err := Diff(d, convergedLive(d), diffOptions())
	require.EqualError(t, err, "service shop: declared twice")

	d = shopDesired()
	billing := d.Services[0]
	billing.Name = "billing"
	d.Services = append(d.Services, billing)
	p, err := Diff(d, absentLive(d), diffOptions())
	require.NoError(t, err)
	assert.NotNil(t, p.Change("service.billing"))
	assert.NotNil(t, p.Change("service.shop"))
}

func TestANewFunctionNeedsAChecksumUnlessItsCodeIsInOSSOrAnImage(t *testing.T) {
	newFunction := func(code DesiredCode) error {
		d := shopDesired()
		live := convergedLive(d)
		d.Services[0].Functions = append(d.Services[0].Functions, DesiredFunction{
			Name: "refund", Config: fc.FunctionInput{Runtime: ptr("python3"), Handler: ptr("index.handler")}, Code: code,
		})
		_, err := Diff(d, live, diffOptions())
		return err
	}
	assert.EqualError(t, newFunction(DesiredCode{Source: "./functions/refund"}), "function shop/refund: desired code has no checksum")
	assert.NoError(t, newFunction(DesiredCode{Checksum: "333"}))
	assert.NoError(t, newFunction(DesiredCode{OSSBucket: "code", OSSObject: "refund.zip"}), "OSS code of unknown checksum is uploaded on create")
	assert.NoError(t, newFunction(DesiredCode{Image: true}))
}

func TestANewestVersionReadOnlyInPartIsPublishedAgainWithoutComparing(t *testing.T) {
	for name, forget := range map[string]func(ls *LiveService){
		"its service unread":   func(ls *LiveService) { ls.NewestVersionService = nil },
		"its functions unread": func(ls *LiveService) { ls.NewestVersionFunctions = nil },
	} {
		d := shopDesired()
		live := convergedLive(d)
		forget(live.Services["shop"])
		p, err := Diff(d, live, diffOptions())
		require.NoError(t, err, name)
		pub := p.Change(PublishAddress("shop"))
		require.NotNil(t, pub, name)
		assert.Equal(t, "version 1 could not be compared", pub.Reason, name)
	}
}
