package main

import (
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/fcdeploy/fcdeploy/manifest"
)

// normalizeEndpoint turns what users type for --endpoint into a URL:
// "127.0.0.1:9000" and "localhost:9000" become http:// (a local Function
// Compute such as fcdeploy serve), any other bare host https://. A URL
// with another scheme, a path or no host is refused with what to type.
func normalizeEndpoint(endpoint string) (string, error) {
	if endpoint == "" || endpoint == manifest.EndpointLocal {
		return endpoint, nil
	}
	raw := endpoint
	if !strings.Contains(raw, "://") {
		host := raw
		if h, _, err := net.SplitHostPort(raw); err == nil {
			host = h
		}
		scheme := "https://"
		if isLoopback(host) {
			scheme = "http://"
		}
		raw = scheme + raw
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") || (u.Path != "" && u.Path != "/") {
		return "", fmt.Errorf("--endpoint %q is not an endpoint: give a URL such as https://ACCOUNT.REGION.fc.aliyuncs.com or http://127.0.0.1:9000, a host:port, or local", endpoint)
	}
	return u.Scheme + "://" + u.Host, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}
