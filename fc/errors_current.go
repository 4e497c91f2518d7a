package fc

import "net/http"

// Error codes of the resources added since the 2018 API (layers, provision
// and on-demand configs, tags). The reference marks the not-found names as
// unconfirmed; these are the ones this project answers and branches on.
const (
	CodeLayerNotFound          = "LayerNotFound"
	CodeLayerVersionNotFound   = "LayerVersionNotFound"
	CodeOnDemandConfigNotFound = "OnDemandConfigNotFound"
)

// init adds the codes above to the status table. They live in this file so
// that each group of resources owns its codes next to its operations.
func init() {
	codeStatus[CodeLayerNotFound] = http.StatusNotFound
	codeStatus[CodeLayerVersionNotFound] = http.StatusNotFound
	codeStatus[CodeOnDemandConfigNotFound] = http.StatusNotFound
}
