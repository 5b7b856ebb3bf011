using System.Runtime.CompilerServices;
using Blacksmith.Testing.Ceph;

namespace Blacksmith.Hosts.Tests.Ceph;

/// <summary>
/// A theory that runs on a real Ceph cluster (ceph-mon, ceph-osd, rbd-fuse, loop devices, root). Skipped with the reason
/// where that cannot be, unless <c>BLACKSMITH_REQUIRE_CEPH=1</c> (set by .ci/run) says this machine must run it.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class RequiresCephTheoryAttribute : TheoryAttribute
{
    public RequiresCephTheoryAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        if (!CephTestCluster.Required && CephTestCluster.MissingReason is { } reason)
        {
            Skip = $"Needs a Ceph test cluster: {reason}";
        }
    }
}
