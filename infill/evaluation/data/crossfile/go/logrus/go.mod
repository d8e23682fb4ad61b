module github.com/sirupsen/logrus

require (
	github.com/davecgh/go-spew v1.1.1 // indirect
	github.com/stretchr/testify v1.7.0
	golang.org/x/sys v0.0.0-20220715151400-c0bba94af5f8
)

go 1.13
