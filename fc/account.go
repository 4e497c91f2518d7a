package fc

import (
	"context"
	"net/http"
)

// Account-level reads (reference section 7.4).

// AccountSettings is the answer of GetAccountSettings.
type AccountSettings struct {
	AvailableAZs []string `json:"availableAZs"`
}

// ReservedCapacity is one reserved-capacity purchase of the account.
type ReservedCapacity struct {
	InstanceID       string `json:"instanceId"`
	CU               int64  `json:"cu"`
	Deadline         string `json:"deadline"`
	CreatedTime      string `json:"createdTime"`
	LastModifiedTime string `json:"lastModifiedTime"`
	IsRefunded       string `json:"isRefunded"`
}

// ListReservedCapacitiesOutput is the body of ListReservedCapacities.
type ListReservedCapacitiesOutput struct {
	ReservedCapacities []ReservedCapacity `json:"reservedCapacities"`
	NextToken          string             `json:"nextToken,omitempty"`
}

// TempCredentials are the STS credentials of GetTempBucketToken, in the
// PascalCase the API uses for them.
type TempCredentials struct {
	AccessKeyID     string `json:"AccessKeyId"`
	AccessKeySecret string `json:"AccessKeySecret"`
	Expiration      string `json:"Expiration"`
	SecurityToken   string `json:"SecurityToken"`
}

// String hides the secret and token so that they never reach logs.
func (c TempCredentials) String() string {
	return "TempCredentials{AccessKeyId: " + c.AccessKeyID + ", AccessKeySecret: <hidden>, SecurityToken: <hidden>}"
}

// GoString hides them from %#v as well.
func (c TempCredentials) GoString() string { return c.String() }

// TempBucketToken is where and with which credentials a large code zip
// may be uploaded before it is referenced by OSS bucket and object.
type TempBucketToken struct {
	Credentials TempCredentials `json:"credentials"`
	OSSRegion   string          `json:"ossRegion"`
	OSSBucket   string          `json:"ossBucket"`
	ObjectName  string          `json:"objectName"`
}

// GetAccountSettings reads the account's settings (its availability zones).
func (c *Client) GetAccountSettings(ctx context.Context) (*AccountSettings, error) {
	var out AccountSettings
	if _, err := c.sendJSON(ctx, &call{op: "GetAccountSettings", subject: "account", method: http.MethodGet, path: "/account-settings"}, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListReservedCapacities reads one page of the account's reserved capacities.
func (c *Client) ListReservedCapacities(ctx context.Context, opt ListOptions) (*ListReservedCapacitiesOutput, error) {
	var out ListReservedCapacitiesOutput
	q := listQuery(ListOptions{Limit: opt.Limit, NextToken: opt.NextToken})
	if _, err := c.sendJSON(ctx, &call{op: "ListReservedCapacities", subject: "account", method: http.MethodGet, path: "/reservedCapacities", query: q}, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListAllReservedCapacities walks every page of reserved capacities.
func (c *Client) ListAllReservedCapacities(ctx context.Context) ([]ReservedCapacity, error) {
	return walk(func(token string) ([]ReservedCapacity, string, error) {
		out, err := c.ListReservedCapacities(ctx, ListOptions{Limit: MaxListLimit, NextToken: token})
		if err != nil {
			return nil, "", err
		}
		return out.ReservedCapacities, out.NextToken, nil
	})
}

// GetTempBucketToken asks for temporary credentials to upload a large
// code zip to OSS.
func (c *Client) GetTempBucketToken(ctx context.Context) (*TempBucketToken, error) {
	var out TempBucketToken
	if _, err := c.sendJSON(ctx, &call{op: "GetTempBucketToken", subject: "account", method: http.MethodGet, path: "/tempBucketToken"}, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
