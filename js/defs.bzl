"""Rules that build and test a JavaScript package with a pinned Node.js.

`node_modules` comes from the `node` module extension (js/extensions.bzl),
which runs `npm ci` on the package's lockfile. Actions and tests copy the
package's sources next to an unpacked node_modules in a scratch
directory, so tools that write caches do not touch the source tree.
"""

load("//js/private:node_rules.bzl", _node_test = "node_test", _vite_build = "vite_build")

node_test = _node_test
vite_build = _vite_build
