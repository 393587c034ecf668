"""Performance Profile Creator (PPC): from a must-gather's hardware snapshots to a profile.

Layers, pure inputs to frozen outputs, with the I/O at the edges:
`snapshot` reads the few sysfs files needed from a node's ``sysinfo.tgz`` without extracting it;
`hardware` turns their contents into a frozen CPU topology (sockets, cores, threads, NUMA nodes);
`allocation` splits that topology into reserved, isolated and offlined CPU sets;
`mustgather` locates the parts of a must-gather and reads its Nodes, pools and Infrastructure;
`selection` picks the targeted nodes like the Machine Config Operator and checks their hardware;
`hints` derives the workload hints; `profile` builds and prints the v2 PerformanceProfile;
`info` shows every node's CPUs; `run` chains them; `cli` is the ``performance-profile-creator``
command line (also ``cluster-node-tuning-operator performance-profile-creator`` via `command`);
`gather` is ``gather-sysinfo snapshot``, which writes the ``sysinfo.tgz`` that `snapshot` reads.
"""
