module warden/exec/testdata/echo-plugin

go 1.26.0
