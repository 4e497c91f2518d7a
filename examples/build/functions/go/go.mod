module fcdeploy.example/build/go

go 1.22

require fcdeploy.example/greeting v0.0.0

replace fcdeploy.example/greeting => ./greeting
