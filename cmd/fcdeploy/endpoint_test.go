package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEndpointsAreAcceptedAsUsersTypeThem(t *testing.T) {
	cases := map[string]string{
		"127.0.0.1:9000":                           "http://127.0.0.1:9000",
		"localhost:9000":                           "http://localhost:9000",
		"[::1]:9000":                               "http://[::1]:9000",
		"http://127.0.0.1:9000/":                   "http://127.0.0.1:9000",
		"fc.example.com":                           "https://fc.example.com",
		"1234.cn-hangzhou.fc.aliyuncs.com:443":     "https://1234.cn-hangzhou.fc.aliyuncs.com:443",
		"https://1234.cn-hangzhou.fc.aliyuncs.com": "https://1234.cn-hangzhou.fc.aliyuncs.com",
		"local": "local",
	}
	for in, want := range cases {
		got, err := normalizeEndpoint(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
}

func TestAnEndpointThatIsNoURLIsRefusedWithWhatToType(t *testing.T) {
	for _, in := range []string{"ftp://example.com", "http://", "http://127.0.0.1:9000/some/path", "http://a b"} {
		_, err := normalizeEndpoint(in)
		require.Error(t, err, in)
		assert.Contains(t, err.Error(), "http://127.0.0.1:9000", in)
	}
}
