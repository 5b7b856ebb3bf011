using System.Globalization;
using System.Text;

namespace Blacksmith.Infrastructure.Tests.Ci.GitHub;

/// <summary>
/// Writes runner Worker trace text as actions/runner prints it (HostTraceListener's <c>[{0:u} LEVEL Source] </c>
/// header, StepsRunner's step lines, ExecutionContext's indented telemetry JSON, the job message), for the
/// earlier-steps scan to read from temp directories.
/// </summary>
internal sealed class WorkerLog
{
    private readonly StringBuilder _text = new();
    private DateTime _now;
    private string _jobState = string.Empty;

    public WorkerLog(DateTime start) => _now = start;

    /// <summary>The page's file name for a page opened at <paramref name="opened"/>.</summary>
    public static string PageName(DateTime opened) =>
        $"Worker_{opened.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}-utc.log";

    public override string ToString() => _text.ToString();

    /// <summary>A new Runner.Worker process: HostContext's first lines, Program's version lines, the job message.</summary>
    public WorkerLog WorkerStarts(string version = "2.328.0")
    {
        _jobState = string.Empty;
        Line("HostContext", "No proxy settings were found based on environmental variables (http_proxy/https_proxy/HTTP_PROXY/HTTPS_PROXY)");
        Line("Worker", $"Version: {version}");
        Line("Worker", "Commit: 0ee6d8ff2c5d25bdd2b9ae4eb3d8d6bd2a73c4ec");
        Line("Worker", "Culture: ");
        Line("Worker", "UI Culture: ");
        Line("Worker", "Waiting to receive the job message from the channel.");
        Line("Worker", "Message received.");
        // The job message carries the workflow's scripts; its continuation lines have no header.
        Line("Worker", "Job message:\n {\n  \"jobId\": \"4f1c\",\n  \"steps\": [\n    {\n      \"inputs\": {\n"
            + "        \"script\": \"echo '[2025-08-17 10:15:07Z INFO StepsRunner] Step result: Failed'\"\n      }\n    }\n  ]\n}");
        Line("Worker", "Listening for cancel message from the channel.");
        return this;
    }

    /// <summary>A step that ran, with the lines StepsRunner and ExecutionContext write for it.</summary>
    /// <param name="displayName">The step's name.</param>
    /// <param name="result">TaskResult as printed: Succeeded, Failed, Canceled …</param>
    public WorkerLog Step(string displayName, string result = "Succeeded")
    {
        Line("StepsRunner", $"Processing step: DisplayName='{displayName}'");
        Line("StepsRunner", "Starting the step.");
        Tick(3);
        Line("StepsRunner", $"Step result: {result}");
        Telemetry(displayName, result, embedded: false);
        if (result == "Failed")
        {
            Line("StepsRunner", $"Update job result with current step result '{result}'.");
            _jobState = _jobState == "Canceled" ? _jobState : "Failed";
        }
        else
        {
            Line("StepsRunner", $"No need for updating job result with current step result '{result}'.");
            if (result == "Canceled")
            {
                // The job's cancellation token marks the job Canceled before the running step reports.
                _jobState = "Canceled";
            }
        }

        Line("StepsRunner", $"Current state: job state = '{_jobState}'");
        return this;
    }

    /// <summary>A step whose condition was false: no result line, only the job state.</summary>
    public WorkerLog SkippedStep(string displayName)
    {
        Line("StepsRunner", $"Processing step: DisplayName='{displayName}'");
        Line("StepsRunner", "Skipping step due to condition evaluation.");
        Line("StepsRunner", "No need for updating job result with current step result 'Skipped'.");
        Line("StepsRunner", $"Current state: job state = '{_jobState}'");
        return this;
    }

    /// <summary>Telemetry of a step inside a composite action (<c>isEmbedded</c>), which has no StepsRunner lines.</summary>
    public WorkerLog EmbeddedStepTelemetry(string action, string result)
    {
        Telemetry(action, result, embedded: true);
        return this;
    }

    /// <summary>The post step that is running now: it has started, so it has no result yet.</summary>
    public WorkerLog CurrentStep(string displayName)
    {
        Line("StepsRunner", $"Processing step: DisplayName='{displayName}'");
        Line("StepsRunner", "Starting the step.");
        return this;
    }

    /// <summary>Lines of other components that fill pages.</summary>
    public WorkerLog Noise(int lines)
    {
        for (var i = 0; i < lines; i++)
        {
            Line(i % 3 == 0 ? "ProcessInvokerWrapper" : "JobServerQueue", $"Try to append {i} batches web console lines for record 'ab12', success rate: 1/1.");
        }

        return this;
    }

    /// <summary>Any line, as HostTraceListener writes it.</summary>
    public WorkerLog Line(string source, string message, string level = "INFO")
    {
        _text.Append('[').Append(_now.ToString("u", CultureInfo.InvariantCulture)).Append(' ')
            .Append(level).Append(' ').Append(source).Append("] ").Append(message).Append('\n');
        return this;
    }

    private void Telemetry(string displayName, string result, bool embedded)
    {
        var action = displayName.ToLowerInvariant().Replace(' ', '_');
        var camel = result switch
        {
            "SucceededWithIssues" => "succeededWithIssues",
            _ => char.ToLowerInvariant(result[0]) + result[1..],
        };
        var json = new StringBuilder("{\n")
            .Append("  \"action\": \"").Append(action).Append("\",\n")
            .Append("  \"type\": \"run\",\n")
            .Append("  \"stage\": \"Main\",\n")
            .Append("  \"stepId\": \"").Append(Guid.NewGuid()).Append("\",\n")
            .Append("  \"stepContextName\": \"__run\",\n");
        if (embedded)
        {
            json.Append("  \"isEmbedded\": true,\n");
        }

        json.Append("  \"result\": \"").Append(camel).Append("\",\n");
        if (result == "Failed")
        {
            json.Append("  \"errorMessages\": [\n    \"Process completed with exit code 2.\"\n  ],\n");
        }

        json.Append("  \"executionTimeInSeconds\": 3,\n")
            .Append("  \"startTime\": \"").Append(_now.AddSeconds(-3).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)).Append("\",\n")
            .Append("  \"finishTime\": \"").Append(_now.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)).Append("\"\n")
            .Append("}.");
        Line("ExecutionContext", $"Publish step telemetry for current step {json}");
    }

    private void Tick(int seconds) => _now = _now.AddSeconds(seconds);
}
