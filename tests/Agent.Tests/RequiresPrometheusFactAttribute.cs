using System.Runtime.CompilerServices;
using Blacksmith.Testing.BlockDevices;

namespace Blacksmith.Agent.Tests;

/// <summary>
/// A fact that has a real Prometheus server scrape an agent serving real loop devices: skipped, with what is missing as
/// the reason, where there is no <c>prometheus</c> executable or no loop devices, unless <c>BLACKSMITH_REQUIRE_PROMETHEUS=1</c>
/// (and <c>BLACKSMITH_REQUIRE_LOOP_DEVICES=1</c>) say this machine must run it, as CI's does.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class RequiresPrometheusFactAttribute : FactAttribute
{
    public RequiresPrometheusFactAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        if (!LoopDeviceSupport.Required && LoopDeviceSupport.MissingReason is { } loop)
        {
            Skip = $"Needs loop devices: {loop}";
        }
        else if (!PrometheusServer.Required && PrometheusServer.Executable is null)
        {
            Skip = "Needs a prometheus executable on PATH (Debian: apt-get install --no-install-recommends prometheus); "
                + $"set {PrometheusServer.RequiredVariable}=1 to make its absence a failure";
        }
    }
}
