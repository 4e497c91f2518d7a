module fcdeploy.example/greeting

go 1.22
