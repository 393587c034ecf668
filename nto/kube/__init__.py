"""Kubernetes access shared by the operator, the operand and the tools.

:mod:`nto.kube.config` finds credentials the way the reference does (KUBECONFIG, then
in-cluster, then ``~/.kube/config``) without importing the heavy ``kubernetes`` package.
"""
