// A Function Compute custom runtime function in Go: an HTTP server that
// the platform starts as /code/bootstrap. Event invocations arrive as
// POST /invoke with the raw event as the body; the response body is the
// result.
package main

import (
	"io"
	"log"
	"net/http"
	"os"

	"fcdeploy.example/greeting"
)

func main() {
	port := os.Getenv("FC_SERVER_PORT")
	if port == "" {
		port = "9000"
	}
	http.HandleFunc("/invoke", func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("x-fc-request-id")
		log.Printf("FC Invoke Start RequestId: %s", id)
		defer log.Printf("FC Invoke End RequestId: %s", id)
		event, err := io.ReadAll(r.Body)
		if err != nil {
			w.Header().Set("x-fc-status", "404")
			http.Error(w, err.Error(), http.StatusNotFound)
			return
		}
		io.WriteString(w, greeting.Hello(string(event)))
	})
	log.Fatal(http.ListenAndServe("0.0.0.0:"+port, nil))
}
