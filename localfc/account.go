package localfc

import (
	"context"

	"github.com/fcdeploy/fcdeploy/fc"
)

// Account-level reads (reference section 7.4).

// localZone is the one availability zone the local Function Compute has.
const localZone = DefaultRegion + "-a"

func getAccountSettings(ctx context.Context, s *Server, c *call) (response, error) {
	return jsonOK(fc.AccountSettings{AvailableAZs: []string{localZone}}, ""), nil
}

// listReservedCapacities answers an empty list: reserved capacity is a
// purchase, and nobody buys anything from the local Function Compute.
func listReservedCapacities(ctx context.Context, s *Server, c *call) (response, error) {
	if _, err := listLimit(c.r.URL.Query()); err != nil {
		return response{}, err
	}
	return jsonOK(fc.ListReservedCapacitiesOutput{ReservedCapacities: []fc.ReservedCapacity{}}, ""), nil
}

// getAccountConfigs answers the configs the Node SDK asks for before a big
// layer upload; CodeSizeLimit is the inline zip limit, the only way code
// reaches the local Function Compute.
func getAccountConfigs(ctx context.Context, s *Server, c *call) (response, error) {
	out := map[string]any{}
	for _, name := range c.r.URL.Query()["config"] {
		if name == "CodeSizeLimit" {
			out[name] = fc.MaxZipSize
		}
	}
	return jsonOK(out, ""), nil
}

// getTempBucketToken is refused: it hands out OSS credentials, and the
// local Function Compute has no OSS.
func getTempBucketToken(ctx context.Context, s *Server, c *call) (response, error) {
	return response{}, fc.NewError(fc.CodeNotImplemented, "GetTempBucketToken: the local Function Compute has no OSS to upload large code to; send code inline as code.zipFile (up to %d bytes of zip)", fc.MaxZipSize)
}
