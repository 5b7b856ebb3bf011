using System.Runtime.Versioning;
using Blacksmith.Infrastructure.StickyDisk;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Agent.Tests;

/// <summary>blacksmith-agent as a process: what it refuses at start, and how it stops on a signal.</summary>
[SupportedOSPlatform("linux")]
public sealed class AgentProcessTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_agent_refuses_to_start_on_a_non_loopback_address_without_a_token_and_exits_2()
    {
        await using var h = new AgentHarness();
        using var agent = AgentProcess.Start(["--listen", "0.0.0.0:0", "--data-dir", h.StoreOptions.DataDirectory]);

        var exit = await agent.WaitForExitAsync(Ct);

        Assert.Equal(2, exit);
        Assert.Contains("refusing to listen on 0.0.0.0:0 without a token", agent.Errors, StringComparison.Ordinal);
        Assert.False(Directory.Exists(h.StoreOptions.DataDirectory));
    }

    [Fact]
    public async Task An_address_already_in_use_is_one_line_naming_it_and_exit_1()
    {
        await using var h = new AgentHarness();
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
        using var agent = AgentProcess.Start(["--listen", $"127.0.0.1:{port}", "--data-dir", h.StoreOptions.DataDirectory, "--store-mode", "Directory"]);

        var exitCode = await agent.WaitForExitAsync(Ct);

        Assert.Equal(1, exitCode);
        var error = Assert.Single(agent.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("blacksmith-agent:", StringComparison.Ordinal));
        Assert.Contains($"127.0.0.1:{port}", error, StringComparison.Ordinal);
        Assert.Contains("--listen", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", agent.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SIGTERM_stops_the_agent_after_serving_and_it_exits_0()
    {
        await using var h = new AgentHarness();
        var tokenFile = Path.Combine(h.Root, "token");
        var token = h.Faker.Random.AlphaNumeric(40);
        await File.WriteAllTextAsync(tokenFile, token + "\n", Ct);
        File.SetUnixFileMode(tokenFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        using var agent = AgentProcess.Start(["--listen", "127.0.0.1:0", "--data-dir", h.StoreOptions.DataDirectory, "--store-mode", "Directory", "--token-file", tokenFile]);
        var address = await agent.ListeningAsync(Ct);
        using var client = new AgentStickyDiskStore(new AgentOptions { Address = address, Token = token });
        var key = h.NewKey();

        await client.UpAsync(Ct);
        var disk = await client.ExposeAsync(key, Ct);
        await client.SettleAsync(new DiskSettlement(disk.ExposeId, key, Commit: true, null), Ct);
        agent.Signal("TERM");
        var exit = await agent.WaitForExitAsync(Ct);

        Assert.Equal(0, exit);
        Assert.Contains("Stopping: new calls are refused", agent.Errors, StringComparison.Ordinal);
        Assert.Contains("Stopped", agent.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain(token, agent.Errors, StringComparison.Ordinal);
        Assert.Equal(disk.ExposeId, Assert.Single(Assert.Single((await h.ListAsync()).Keys).Generations).ExposeId);
    }
}
