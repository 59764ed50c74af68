from berdaya.cli import main

main()
