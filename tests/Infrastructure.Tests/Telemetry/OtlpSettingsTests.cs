using Blacksmith.Infrastructure.Telemetry;

namespace Blacksmith.Infrastructure.Tests.Telemetry;

public sealed class OtlpSettingsTests
{
    [Fact]
    public void No_endpoint_means_no_export_and_no_complaint()
    {
        Assert.Null(OtlpSettings.FromEnvironment(Variables(("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")), out var problem));
        Assert.Null(problem);
        Assert.False(OtlpSettings.Requested(Variables()));
    }

    [Fact]
    public void OTEL_SDK_DISABLED_turns_export_off_even_with_an_endpoint()
    {
        Assert.Null(OtlpSettings.FromEnvironment(Variables(("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318"), ("OTEL_SDK_DISABLED", "TRUE")), out var problem));
        Assert.Null(problem);
    }

    [Theory]
    [InlineData("http://127.0.0.1:4318", "http://127.0.0.1:4318/v1/traces")]
    [InlineData("http://127.0.0.1:4318/", "http://127.0.0.1:4318/v1/traces")]
    [InlineData("https://collector.example:4318/otlp", "https://collector.example:4318/otlp/v1/traces")]
    public void The_general_endpoint_is_a_base_that_http_protobuf_sends_to_v1_traces_under(string endpoint, string expected)
    {
        var settings = OtlpSettings.FromEnvironment(Variables(("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint)), out _)!;

        Assert.Equal((new Uri(expected), OtlpProtocol.HttpProtobuf), (settings.Endpoint, settings.Protocol));
    }

    [Fact]
    public void The_traces_endpoint_is_used_as_it_is_and_wins_over_the_general_one()
    {
        var settings = OtlpSettings.FromEnvironment(Variables(
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:1"),
            ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://127.0.0.1:4318/custom/path")), out _)!;

        Assert.Equal(new Uri("http://127.0.0.1:4318/custom/path"), settings.Endpoint);
    }

    [Fact]
    public void Grpc_sends_to_the_endpoint_without_a_path_of_its_own()
    {
        var settings = OtlpSettings.FromEnvironment(Variables(("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4317"), ("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "grpc")), out _)!;

        Assert.Equal((new Uri("http://127.0.0.1:4317"), OtlpProtocol.Grpc), (settings.Endpoint, settings.Protocol));
    }

    [Fact]
    public void Headers_are_read_url_decoded_and_a_bad_list_is_refused_without_echoing_its_values()
    {
        var settings = OtlpSettings.FromEnvironment(Variables(
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318"),
            ("OTEL_EXPORTER_OTLP_HEADERS", "authorization=Bearer%20s3cret-token, x-team = builds")), out _)!;

        Assert.Equal([new("authorization", "Bearer s3cret-token"), new("x-team", "builds")], settings.Headers);

        var refused = OtlpSettings.FromEnvironment(Variables(
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318"),
            ("OTEL_EXPORTER_OTLP_HEADERS", "s3cret-token-without-a-key")), out var problem);
        Assert.Null(refused);
        Assert.Contains("OTEL_EXPORTER_OTLP_HEADERS", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, 3000)]
    [InlineData("250", 250)]
    [InlineData("60000", 5000)]
    public void The_timeout_comes_from_the_variable_but_never_exceeds_five_seconds(string? timeout, int expectedMilliseconds)
    {
        var settings = OtlpSettings.FromEnvironment(Variables(("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318"), ("OTEL_EXPORTER_OTLP_TIMEOUT", timeout)), out _)!;

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMilliseconds), settings.Timeout);
    }

    [Theory]
    [InlineData("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json", "http/protobuf or grpc")]
    [InlineData("OTEL_EXPORTER_OTLP_TIMEOUT", "soon", "milliseconds")]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT", "127.0.0.1:4318", "http:// or https://")]
    public void An_unusable_value_is_one_line_naming_the_variable(string name, string value, string expected)
    {
        var settings = OtlpSettings.FromEnvironment(Variables(("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318"), (name, value)), out var problem);

        Assert.Null(settings);
        Assert.Contains(name, problem, StringComparison.Ordinal);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', problem!);
    }

    [Fact]
    public void The_destination_shown_leaves_out_credentials_and_the_query()
    {
        var settings = OtlpSettings.FromEnvironment(Variables(("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "https://user:s3cret@collector.example/v1/traces?api-key=s3cret")), out _)!;

        Assert.Equal("https://collector.example/v1/traces", settings.Destination);
    }

    private static Func<string, string?> Variables(params (string Name, string? Value)[] variables) =>
        name => variables.LastOrDefault(v => v.Name == name).Value;
}
