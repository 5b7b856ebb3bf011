using Blacksmith.Infrastructure.StickyDisk;
using Bogus;

namespace Blacksmith.Infrastructure.Tests.StickyDisk;

/// <summary>One job's identity towards the agent, with varied Bogus values (seeded, so a failure replays).</summary>
internal sealed record AgentJob(string Token, string Region, string VmId, string InstallationModelId, string RepoName, string CacheKey)
{
    public static AgentJob Generate(int seed)
    {
        var f = new Faker { Random = new Randomizer(seed) };
        var repo = $"{f.Internet.UserName().ToLowerInvariant()}/{f.Internet.DomainWord()}";
        return new AgentJob(
            Token: $"bsk_{f.Random.AlphaNumeric(40)}",
            Region: f.PickRandom("eu-central", "us-east", "us-west", "ap-south"),
            VmId: f.Random.Guid().ToString(),
            InstallationModelId: f.Random.Long(1, 9_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture),
            RepoName: repo,
            CacheKey: f.Random.Bool() ? repo : $"{repo}-{f.Random.AlphaNumeric(8)}");
    }

    public AgentOptions Options(Uri address) => new()
    {
        Address = address,
        Token = Token,
        Region = Region,
        VmId = VmId,
        InstallationModelId = InstallationModelId,
        RepoName = RepoName,
    };
}
