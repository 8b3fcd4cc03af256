from policykg.api.cli import main

main()
