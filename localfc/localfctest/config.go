package localfctest

import (
	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/localfc"
)

// Config is what fc.NewClient needs to talk to this instance.
func (i *Instance) Config() fc.Config {
	return fc.Config{
		Endpoint:    i.URL,
		AccountID:   i.AccountID,
		Region:      localfc.DefaultRegion,
		Credentials: i.Credentials,
	}
}
