// Package convert turns a Funcraft template.yml (Aliyun::Serverless-2018-04-03)
// or a Serverless Devs s.yaml of the FC component into an fcdeploy.yaml, and
// reports, each with its file and line, everything it could not convert and
// what to do about it. It returns the files to write; the CLI writes them.
package convert
