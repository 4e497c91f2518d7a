// Command latency is a reverse proxy that puts a real network's per-request
// latency (and, if asked, throttling) in front of a local Function Compute,
// with the same fault injection `localfc.Faults` gives tests:
//
//	latency -listen 127.0.0.1:9001 -target http://127.0.0.1:9000 -faults latency=30ms
//
// It lets bench/deploy measure fcdeploy and Funcraft at 30 ms per request
// with an unmodified `fcdeploy serve` behind it.
package main

import (
	"flag"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"time"

	"github.com/fcdeploy/fcdeploy/localfc"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "address to listen on")
	target := flag.String("target", "", "URL of the server to forward to")
	spec := flag.String("faults", "latency=30ms", "faults to inject, as `fcdeploy serve` reads them (see localfc.ParseFaults)")
	flag.Parse()
	u, err := url.Parse(*target)
	if err != nil || u.Host == "" {
		log.Fatalf("latency: -target %q must be a URL such as http://127.0.0.1:9000", *target)
	}
	faults, err := localfc.ParseFaults(*spec)
	if err != nil {
		log.Fatalf("latency: %v", err)
	}
	proxy := httputil.NewSingleHostReverseProxy(u)
	proxy.Transport = &http.Transport{MaxIdleConnsPerHost: 256, IdleConnTimeout: time.Minute}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatalf("latency: %v", err)
	}
	log.Printf("latency: http://%s -> %s with %s", ln.Addr(), u, faults)
	log.Fatal(http.Serve(ln, faults.Wrap(proxy)))
}
