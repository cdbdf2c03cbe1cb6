"""`make bench`: every benchmark in turn."""

import sys

from bench import cluster_quality, cluster_speed

sys.exit(cluster_speed.main() or cluster_quality.main())
