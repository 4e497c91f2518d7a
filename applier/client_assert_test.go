package applier

import (
	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/planner"
)

var (
	_ API         = (*fc.Client)(nil)
	_ planner.API = (*fc.Client)(nil)
)
