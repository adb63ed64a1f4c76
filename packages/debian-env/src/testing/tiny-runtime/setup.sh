#!/bin/sh
# tiny-env has only prebuilt platforms: nothing to set up on the installing host.
exit 0
