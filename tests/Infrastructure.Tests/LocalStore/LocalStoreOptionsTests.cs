using Blacksmith.Infrastructure.LocalStore;

namespace Blacksmith.Infrastructure.Tests.LocalStore;

/// <summary>The documented default data directory.</summary>
public sealed class LocalStoreOptionsTests
{
    [Fact]
    public void BLACKSMITH_DATA_DIR_wins_over_every_default()
    {
        var environment = Environment(("BLACKSMITH_DATA_DIR", "/srv/cache"), ("XDG_DATA_HOME", "/home/u/.data"), ("HOME", "/home/u"));

        Assert.Equal("/srv/cache", LocalStoreOptions.DefaultDataDirectory(environment, isRoot: true));
    }

    [Fact]
    public void Root_keeps_the_store_under_var_lib()
    {
        var environment = Environment(("XDG_DATA_HOME", "/root/.data"), ("HOME", "/root"));

        Assert.Equal("/var/lib/blacksmith", LocalStoreOptions.DefaultDataDirectory(environment, isRoot: true));
    }

    [Fact]
    public void A_user_gets_the_XDG_data_home_or_else_the_local_share_under_home()
    {
        Assert.Equal("/home/u/.data/blacksmith", LocalStoreOptions.DefaultDataDirectory(Environment(("XDG_DATA_HOME", "/home/u/.data"), ("HOME", "/home/u")), isRoot: false));
        Assert.Equal("/home/u/.local/share/blacksmith", LocalStoreOptions.DefaultDataDirectory(Environment(("XDG_DATA_HOME", "relative"), ("HOME", "/home/u")), isRoot: false));
        Assert.Equal("/home/u/.local/share/blacksmith", LocalStoreOptions.DefaultDataDirectory(Environment(("HOME", "/home/u")), isRoot: false));
    }

    private static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;
}
