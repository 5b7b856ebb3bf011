using System.Runtime.Versioning;
using Blacksmith.Infrastructure.StickyDisk;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Testing.Agent;

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
    public async Task An_address_this_machine_does_not_have_is_one_line_naming_it_and_exit_2()
    {
        await using var h = new AgentHarness();
        var tokenFile = Path.Combine(h.Root, "token");
        await File.WriteAllTextAsync(tokenFile, h.Faker.Random.AlphaNumeric(40), Ct);
        File.SetUnixFileMode(tokenFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        // 192.0.2.1 is TEST-NET-1 (RFC 5737), assigned to no machine: the bind fails at once, and nothing is sent.
        using var agent = AgentProcess.Start(["--listen", "192.0.2.1:5557", "--data-dir", h.StoreOptions.DataDirectory, "--store-mode", "Directory", "--token-file", tokenFile]);
        var exit = await agent.WaitForExitAsync(Ct);

        Assert.Equal(2, exit);
        Assert.DoesNotContain("   at ", agent.Errors, StringComparison.Ordinal);
        var error = Assert.Single(agent.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("blacksmith-agent:", StringComparison.Ordinal));
        Assert.StartsWith("blacksmith-agent: cannot listen on 192.0.2.1:5557: this machine has no such address", error, StringComparison.Ordinal);
        Assert.Contains("--listen", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--no-such-flag", "Unrecognized command or argument '--no-such-flag'.")]
    [InlineData("--generations=many", "--generations must be a whole number, not 'many'.")]
    [InlineData("--store-mode=Nope", "--store-mode must be Auto, LoopDevice or Directory, not 'Nope'.")]
    [InlineData("--listen", "Required argument missing for option: '--listen'.")]
    public async Task A_command_line_the_agent_cannot_parse_exits_2_with_the_error_and_a_hint(string argument, string error)
    {
        using var agent = AgentProcess.Start([argument]);

        var exit = await agent.WaitForExitAsync(Ct);

        Assert.Equal(2, exit);
        var lines = agent.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith($"blacksmith-agent: {error}", lines[0], StringComparison.Ordinal);
        Assert.Equal("blacksmith-agent: Run 'blacksmith-agent --help' for its options.", lines[1]);
    }

    [Fact]
    public async Task A_lease_that_is_not_a_duration_is_one_line_and_exit_2_before_the_store_is_opened()
    {
        await using var h = new AgentHarness();
        using var agent = AgentProcess.Start(["--exposure-lease", "forever", "--data-dir", h.StoreOptions.DataDirectory]);

        var exit = await agent.WaitForExitAsync(Ct);

        Assert.Equal(2, exit);
        var line = Assert.Single(agent.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Equal("blacksmith-agent: --exposure-lease must be a whole number of s, m, h or d (e.g. 6h, 5m), not 'forever'", line);
        Assert.False(Directory.Exists(h.StoreOptions.DataDirectory));
    }

    [Theory]
    [InlineData("metrics.example.com:9557", "blacksmith-agent: --metrics-listen: 'metrics.example.com:9557' is not a listen address")]
    [InlineData("0.0.0.0:0", "blacksmith-agent: refusing to serve metrics on 0.0.0.0:0, beyond loopback")]
    public async Task A_metrics_address_that_is_bad_or_beyond_loopback_is_one_line_and_exit_2_before_the_store_is_opened(string address, string expected)
    {
        await using var h = new AgentHarness();
        using var agent = AgentProcess.Start(["--metrics-listen", address, "--listen", "127.0.0.1:0", "--data-dir", h.StoreOptions.DataDirectory]);

        var exit = await agent.WaitForExitAsync(Ct);

        Assert.Equal(2, exit);
        var line = Assert.Single(agent.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith(expected, line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(h.StoreOptions.DataDirectory));
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
